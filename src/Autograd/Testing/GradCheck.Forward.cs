using System.Globalization;

namespace MiniTorch;

// Forward-mode checks: every op's JVP rule against finite differences, and forward mode against reverse mode.
public static partial class GradCheck
{
    /// <summary>
    /// Checks the forward-mode derivatives (JVP rules) of <paramref name="function"/>: for a random float64 tangent
    /// of each input that requires grad (alone, then all together), the output tangents computed with dual tensors
    /// (<see cref="ForwardAD"/>) must match the central difference (f(x + εv) − f(x − εv)) / 2ε. Throws
    /// <see cref="GradCheckException"/> naming the output, the perturbed input(s), the output index, expected
    /// (numerical) and got (forward mode) on the first mismatch, unless <paramref name="raiseException"/> is false.
    /// </summary>
    public static bool CheckForward(Func<Tensor[], Tensor[]> function, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var diff = DifferentiableInputs(inputs);
        var generator = new Generator(seed);
        var trials = new List<int[]>();
        foreach (int i in diff)
        {
            trials.Add([i]);
        }
        if (diff.Count > 1)
        {
            trials.Add([.. diff]); // every tangent at once: the rules' paths where several inputs are dual
        }
        foreach (var perturbed in trials)
        {
            var tangents = new Tensor?[inputs.Length];
            foreach (int i in perturbed)
            {
                tangents[i] = Tensor.Randn(inputs[i].ShapeArray, DType.Float64, generator);
            }
            var forward = ForwardTangents(function, inputs, tangents);
            var numerical = DirectionalDifference(function, inputs, tangents, eps);
            for (int o = 0; o < forward.Length; o++)
            {
                for (int j = 0; j < forward[o].Length; j++)
                {
                    double got = forward[o][j], expected = numerical[o][j];
                    if (!(Math.Abs(got - expected) <= atol + rtol * Math.Abs(expected)))
                    {
                        if (!raiseException)
                        {
                            return false;
                        }
                        throw new GradCheckException(string.Create(CultureInfo.InvariantCulture,
                            $"Jacobian-vector product mismatch for output {o} with a random tangent on input{(perturbed.Length > 1 ? "s" : "")} {string.Join(", ", perturbed)}: at output index {FormatIndex(ShapeOf(function, inputs, o), j)} (flat {j}): expected (numerical) {expected:R}, got (forward mode) {got:R}; difference {Math.Abs(got - expected):G3} exceeds atol {atol} + rtol {rtol} * |expected|."));
                    }
                }
            }
        }
        return true;
    }

    /// <summary>Checks the forward-mode derivatives of a single-output function.</summary>
    public static bool CheckForward(Func<Tensor[], Tensor> function, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(function);
        return CheckForward(x => [function(x)], inputs, eps, atol, rtol, raiseException, seed);
    }

    /// <summary>
    /// Checks that forward and reverse mode compute the same Jacobian: built column by column from JVPs (one-hot
    /// tangents) and row by row from VJPs (one-hot output gradients), entry (k, j) = d output[j] / d input[k] must agree,
    /// i.e. each op's JVP rule is the transpose of its backward. No finite differences, so the tolerance is tight.
    /// </summary>
    public static bool CheckForwardReverseAgree(Func<Tensor[], Tensor[]> function, Tensor[] inputs, double atol = 1e-10, double rtol = 1e-7, bool raiseException = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var diff = DifferentiableInputs(inputs);
        var outputs = function(inputs);
        for (int o = 0; o < outputs.Length; o++)
        {
            var reverse = Analytical(outputs[o], inputs, diff);
            foreach (int i in diff)
            {
                for (int k = 0; k < inputs[i].Numel; k++)
                {
                    var tangents = new Tensor?[inputs.Length];
                    var onehot = Tensor.Zeros(inputs[i].ShapeArray, DType.Float64);
                    onehot.ContiguousSpan<double>()[k] = 1;
                    tangents[i] = onehot;
                    var column = ForwardTangents(function, inputs, tangents)[o];
                    for (int j = 0; j < column.Length; j++)
                    {
                        double got = column[j], expected = reverse[i][k, j];
                        if (!(Math.Abs(got - expected) <= atol + rtol * Math.Abs(expected)))
                        {
                            if (!raiseException)
                            {
                                return false;
                            }
                            throw new GradCheckException(string.Create(CultureInfo.InvariantCulture,
                                $"Forward and reverse mode disagree for output {o} with respect to input {i}: at input index {FormatIndex(inputs[i], k)} (flat {k}), output element {j}: expected (reverse mode) {expected:R}, got (forward mode) {got:R}; difference {Math.Abs(got - expected):G3} exceeds atol {atol} + rtol {rtol} * |expected|."));
                        }
                    }
                }
            }
        }
        return true;
    }

    /// <summary>Checks that forward and reverse mode agree for a single-output function.</summary>
    public static bool CheckForwardReverseAgree(Func<Tensor[], Tensor> function, Tensor[] inputs, double atol = 1e-10, double rtol = 1e-7, bool raiseException = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        return CheckForwardReverseAgree(x => [function(x)], inputs, atol, rtol, raiseException);
    }

    /// <summary>The output tangents (zeros where an output has none) when the inputs carry <paramref name="tangents"/>.</summary>
    private static double[][] ForwardTangents(Func<Tensor[], Tensor[]> function, Tensor[] inputs, Tensor?[] tangents)
    {
        using (ForwardAD.Enter())
        {
            var duals = new Tensor[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                duals[i] = tangents[i] is { } t ? ForwardAD.MakeDual(inputs[i], t) : inputs[i];
            }
            var outputs = function(duals);
            var result = new double[outputs.Length][];
            for (int o = 0; o < outputs.Length; o++)
            {
                var tangent = ForwardAD.Unpack(outputs[o]).Tangent;
                result[o] = tangent is null ? new double[outputs[o].Numel] : tangent.ToDoubleArray();
                if (tangent is not null && !Shapes.SameShape(tangent.ShapeSpan, outputs[o].ShapeSpan))
                {
                    throw new GradCheckException($"Forward mode: output {o} of shape {Shapes.Format(outputs[o].ShapeSpan)} carries a tangent of shape {Shapes.Format(tangent.ShapeSpan)}.");
                }
            }
            return result;
        }
    }

    /// <summary>(f(x + εv) − f(x − εv)) / 2ε for every output, moving every input that has a tangent at once.</summary>
    private static double[][] DirectionalDifference(Func<Tensor[], Tensor[]> function, Tensor[] inputs, Tensor?[] tangents, double eps)
    {
        var plus = Evaluate(function, inputs, tangents, eps);
        var minus = Evaluate(function, inputs, tangents, -eps);
        var result = new double[plus.Length][];
        for (int o = 0; o < plus.Length; o++)
        {
            result[o] = new double[plus[o].Length];
            for (int j = 0; j < plus[o].Length; j++)
            {
                result[o][j] = (plus[o][j] - minus[o][j]) / (2 * eps);
            }
        }
        return result;
    }

    private static double[][] Evaluate(Func<Tensor[], Tensor[]> function, Tensor[] inputs, Tensor?[] tangents, double step)
    {
        var saved = new double[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (tangents[i] is not { } t)
            {
                continue;
            }
            var data = inputs[i].Data<double>();
            var offsets = Kernels.StridedCopy.Offsets(inputs[i].ShapeArray, inputs[i].StridesArray, inputs[i].Offset);
            var direction = t.ToDoubleArray();
            saved[i] = new double[offsets.Length];
            for (int k = 0; k < offsets.Length; k++)
            {
                saved[i][k] = data[offsets[k]];
                data[offsets[k]] += step * direction[k];
            }
        }
        try
        {
            var outputs = function(inputs);
            var values = new double[outputs.Length][];
            for (int o = 0; o < outputs.Length; o++)
            {
                values[o] = outputs[o].ToDoubleArray();
            }
            return values;
        }
        finally
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                if (saved[i] is null)
                {
                    continue;
                }
                var data = inputs[i].Data<double>();
                var offsets = Kernels.StridedCopy.Offsets(inputs[i].ShapeArray, inputs[i].StridesArray, inputs[i].Offset);
                for (int k = 0; k < offsets.Length; k++)
                {
                    data[offsets[k]] = saved[i][k];
                }
            }
        }
    }

    private static Tensor ShapeOf(Func<Tensor[], Tensor[]> function, Tensor[] inputs, int output) => function(inputs)[output];
}
