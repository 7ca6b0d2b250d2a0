using System.Globalization;

namespace MiniTorch;

/// <summary>Thrown by <see cref="GradCheck"/> when an analytical gradient disagrees with finite differences.</summary>
public sealed class GradCheckException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GradCheckException(string message) : base(message) { }
}

/// <summary>
/// Verifies gradients as PyTorch's <c>gradcheck</c>/<c>gradgradcheck</c> do: every entry of the Jacobian computed
/// by backward is compared with float64 central differences (f(x+ε) − f(x−ε)) / 2ε.
/// </summary>
public static partial class GradCheck
{
    /// <summary>
    /// Checks the first derivatives of <paramref name="function"/> with respect to every input that requires grad.
    /// Inputs must be float64. Throws <see cref="GradCheckException"/> naming the output, input, index, expected
    /// (numerical) and got (analytical) values on the first mismatch, unless <paramref name="raiseException"/> is false.
    /// </summary>
    public static bool Check(Func<Tensor[], Tensor[]> function, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var diff = DifferentiableInputs(inputs);
        var outputs = function(inputs);
        for (int o = 0; o < outputs.Length; o++)
        {
            var analytical = Analytical(outputs[o], inputs, diff);
            var numerical = Numerical(function, inputs, diff, o, outputs[o].Numel, eps);
            foreach (int i in diff)
            {
                var a = analytical[i];
                var n = numerical[i];
                for (int k = 0; k < a.GetLength(0); k++)
                {
                    for (int j = 0; j < a.GetLength(1); j++)
                    {
                        if (!(Math.Abs(a[k, j] - n[k, j]) <= atol + rtol * Math.Abs(n[k, j])))
                        {
                            if (!raiseException)
                            {
                                return false;
                            }
                            if (!outputs[o].RequiresGrad)
                            {
                                // PyTorch's words: an output with no graph must not change when the inputs do.
                                throw new GradCheckException(string.Create(CultureInfo.InvariantCulture,
                                    $"Numerical gradient for function expected to be zero: output {o} does not require grad (no graph leads to the inputs), but its numerical derivative with respect to input {i} at index {FormatIndex(inputs[i], k)} (flat {k}), output element {j} is {n[k, j]:R}."));
                            }
                            throw new GradCheckException(string.Create(CultureInfo.InvariantCulture,
                                $"Jacobian mismatch for output {o} with respect to input {i}: at input index {FormatIndex(inputs[i], k)} (flat {k}), output element {j}: expected (numerical) {n[k, j]:R}, got (analytical) {a[k, j]:R}; difference {Math.Abs(a[k, j] - n[k, j]):G3} exceeds atol {atol} + rtol {rtol} * |expected|."));
                        }
                    }
                }
            }
        }
        return true;
    }

    /// <summary>Checks the first derivatives of a single-output function.</summary>
    public static bool Check(Func<Tensor[], Tensor> function, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Check(x => [function(x)], inputs, eps, atol, rtol, raiseException);
    }

    /// <summary>
    /// Checks second derivatives: the gradient of <paramref name="function"/> (a vector-Jacobian product with
    /// random, seeded <paramref name="gradOutputs"/> unless given) is itself checked with <see cref="Check(Func{Tensor[], Tensor[]}, Tensor[], double, double, double, bool)"/>,
    /// with respect to the inputs and the grad outputs, as PyTorch's <c>gradgradcheck</c> does.
    /// </summary>
    public static bool GradGradCheck(Func<Tensor[], Tensor[]> function, Tensor[] inputs, Tensor[]? gradOutputs = null, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var diff = DifferentiableInputs(inputs);
        if (gradOutputs is null)
        {
            var outputs = function(inputs);
            var generator = new Generator(seed);
            gradOutputs = new Tensor[outputs.Length];
            for (int i = 0; i < outputs.Length; i++)
            {
                gradOutputs[i] = Tensor.Randn(outputs[i].ShapeArray, DType.Float64, generator, requiresGrad: true);
            }
        }
        int n = inputs.Length;
        Tensor[] GradientOf(Tensor[] all)
        {
            var outs = function(all[..n]);
            var diffInputs = new Tensor[diff.Count];
            for (int i = 0; i < diff.Count; i++)
            {
                diffInputs[i] = all[diff[i]];
            }
            var usable = Array.FindAll(Enumerable.Range(0, outs.Length).ToArray(), o => outs[o].RequiresGrad);
            if (usable.Length == 0)
            {
                return Array.ConvertAll(diffInputs, t => Tensor.ZerosLike(t));
            }
            var grads = Autograd.Grad(
                Array.ConvertAll(usable, o => outs[o]),
                diffInputs,
                Array.ConvertAll(usable, o => (Tensor?)all[n + o]),
                createGraph: true,
                allowUnused: true);
            var result = new Tensor[grads.Length];
            for (int i = 0; i < grads.Length; i++)
            {
                result[i] = grads[i] ?? Tensor.ZerosLike(diffInputs[i]);
            }
            return result;
        }
        return Check(GradientOf, [.. inputs, .. gradOutputs], eps, atol, rtol, raiseException);
    }

    /// <summary>Checks second derivatives of a single-output function.</summary>
    public static bool GradGradCheck(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor? gradOutput = null, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(function);
        return GradGradCheck(x => [function(x)], inputs, gradOutput is null ? null : [gradOutput], eps, atol, rtol, raiseException, seed);
    }

    private static List<int> DifferentiableInputs(Tensor[] inputs)
    {
        var diff = new List<int>();
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"GradCheck: input {i} is null.");
            if (!t.RequiresGrad)
            {
                continue;
            }
            if (t.DType != DType.Float64)
            {
                throw new ArgumentException($"GradCheck: input {i} is {t.DType}; finite differences are only accurate enough in float64, so pass inputs made with DType.Float64.");
            }
            var shape = t.ShapeArray;
            var strides = t.StridesArray;
            for (int d = 0; d < t.Rank; d++)
            {
                if (strides[d] == 0 && shape[d] > 1)
                {
                    throw new ArgumentException($"GradCheck: input {i} has a dimension with stride 0 (an expanded tensor, shape {Shapes.Format(shape)}). GradCheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly; expand inside the checked function instead.");
                }
            }
            diff.Add(i);
        }
        if (diff.Count == 0)
        {
            throw new ArgumentException("GradCheck: no input requires grad; set RequiresGrad = true on the inputs to check.");
        }
        return diff;
    }

    /// <summary>Row k, column j: d output[j] / d input[k], from one backward per output element.</summary>
    private static double[][,] Analytical(Tensor output, Tensor[] inputs, List<int> diff)
    {
        var result = new double[inputs.Length][,];
        foreach (int i in diff)
        {
            result[i] = new double[inputs[i].Numel, output.Numel];
        }
        if (!output.RequiresGrad)
        {
            return result; // a constant output: every derivative is 0
        }
        var diffInputs = diff.Select(i => inputs[i]).ToArray();
        for (int j = 0; j < output.Numel; j++)
        {
            var onehot = Tensor.Zeros(output.ShapeArray, output.DType);
            onehot.ContiguousSpan<double>()[j] = 1;
            var grads = Autograd.Grad([output], diffInputs, [onehot], retainGraph: true, allowUnused: true);
            for (int g = 0; g < diff.Count; g++)
            {
                if (grads[g] is not { } grad)
                {
                    continue;
                }
                var values = grad.ToDoubleArray();
                for (int k = 0; k < values.Length; k++)
                {
                    result[diff[g]][k, j] = values[k];
                }
            }
        }
        return result;
    }

    private static double[][,] Numerical(Func<Tensor[], Tensor[]> function, Tensor[] inputs, List<int> diff, int outputIndex, int outputNumel, double eps)
    {
        // Grad mode stays as the caller has it: the function may itself differentiate (GradGradCheck does).
        var result = new double[inputs.Length][,];
        foreach (int i in diff)
        {
            var input = inputs[i];
            var data = input.Data<double>();
            var offsets = Kernels.StridedCopy.Offsets(input.ShapeArray, input.StridesArray, input.Offset);
            var jac = new double[input.Numel, outputNumel];
            for (int k = 0; k < offsets.Length; k++)
            {
                double original = data[offsets[k]];
                data[offsets[k]] = original + eps;
                var plus = function(inputs)[outputIndex].ToDoubleArray();
                data[offsets[k]] = original - eps;
                var minus = function(inputs)[outputIndex].ToDoubleArray();
                data[offsets[k]] = original;
                for (int j = 0; j < outputNumel; j++)
                {
                    jac[k, j] = (plus[j] - minus[j]) / (2 * eps);
                }
            }
            result[i] = jac;
        }
        return result;
    }

    private static string FormatIndex(Tensor t, int flat)
    {
        var shape = t.ShapeArray;
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Shapes.Format(index);
    }
}
