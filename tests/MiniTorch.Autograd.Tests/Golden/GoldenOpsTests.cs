using System.Text.Json;
using MiniTorch.OpDatabase;

namespace MiniTorch.Tests.Golden;

/// <summary>
/// Every op against real PyTorch 1.13: forward outputs, first-order gradients (vector-Jacobian products with a
/// fixed grad_output) and second-order values (the gradient of Σ grad·v, through a graph built with
/// createGraph: true). The numbers come from <c>tools/golden/generate_golden.py</c> via <c>Golden/ops.json</c>; the
/// cases are the golden samples of the op table (tests/MiniTorch.OpDatabase), which the generator reads from
/// <c>op-table.json</c>.
/// </summary>
public sealed class GoldenOpsTests
{
    /// <summary>How the inputs are laid out in memory; PyTorch's values do not depend on it, so both must match them.</summary>
    public enum Layout
    {
        /// <summary>Each input is a contiguous leaf.</summary>
        Contiguous,

        /// <summary>
        /// Each input of rank ≥ 2 is a transposed view (last two dims) of a contiguous leaf, so kernels and backward
        /// formulas see strided operands. Gradients are taken with respect to the leaf and transposed back.
        /// </summary>
        Transposed,
    }

    /// <summary>Each case once contiguous, and again transposed if that makes some input non-contiguous.</summary>
    public static TheoryData<string, Layout> Cases()
    {
        var data = new TheoryData<string, Layout>();
        foreach (var (name, c) in GoldenData.Ops.Cases)
        {
            data.Add(name, Layout.Contiguous);
            if (c.GetProperty("inputs").EnumerateArray().Any(i => HasTransposableLayout(GoldenTensor.IntArray(i.GetProperty("shape")))))
            {
                data.Add(name, Layout.Transposed);
            }
        }
        return data;
    }

    [Fact]
    public void GoldenFileComesFromPyTorch113()
    {
        Assert.StartsWith("1.13", GoldenData.Ops.TorchVersion);
        Assert.True(GoldenData.Ops.Cases.Count > 100, "ops.json should hold the whole op table");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch113(string name, Layout layout)
    {
        var c = GoldenData.Ops.Cases[name];
        string op = c.GetProperty("op").GetString()!;
        var inputs = c.GetProperty("inputs").EnumerateArray().ToArray();

        // Leaves (what gradients are taken with respect to) and the tensors the op is applied to.
        var leaves = new Tensor[inputs.Length];
        var operands = new Tensor[inputs.Length];
        var transposed = new bool[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var golden = GoldenTensor.Parse(inputs[i]);
            bool requiresGrad = inputs[i].GetProperty("requires_grad").GetBoolean();
            transposed[i] = layout == Layout.Transposed && HasTransposableLayout(golden.Shape);
            if (transposed[i])
            {
                leaves[i] = Tensor.FromArray(golden.ToTensor().Transpose(-1, -2).ToDoubleArray(), SwapLastTwo(golden.Shape), requiresGrad);
                operands[i] = leaves[i].Transpose(-1, -2);
                Assert.False(operands[i].IsContiguous);
            }
            else
            {
                leaves[i] = golden.ToTensor(requiresGrad);
                operands[i] = leaves[i];
            }
        }
        var differentiable = Enumerable.Range(0, inputs.Length).Where(i => leaves[i].RequiresGrad).ToArray();
        var diffLeaves = differentiable.Select(i => leaves[i]).ToArray();
        string label = $"{name} ({op}, {layout})";
        double atol = c.TryGetProperty("atol", out var a) ? a.GetDouble() : GoldenAssert.DefaultAbsoluteTolerance;

        // Forward.
        // The op table's row for this golden key calls MiniTorch; the generator's TORCH_CALLS holds PyTorch's call.
        var outputs = OpTable.ForGoldenKey(op).Call(operands, OpArgs.FromJson(c.GetProperty("params")));
        var expectedOutputs = c.GetProperty("outputs").EnumerateArray().Select(GoldenTensor.Parse).ToArray();
        Assert.Equal(expectedOutputs.Length, outputs.Length);
        for (int k = 0; k < outputs.Length; k++)
        {
            GoldenAssert.Close(expectedOutputs[k], outputs[k], $"{label}: forward output {k}", atol);
        }

        // First order: grad_outputᵀ·J for each differentiable input, keeping the graph for the second order.
        var gradOutput = GoldenTensor.Parse(c.GetProperty("grad_output")).ToTensor();
        var grads = Autograd.Grad([outputs[0]], diffLeaves, [gradOutput], createGraph: true, allowUnused: true);
        var expectedGrads = Goldens(c, "grads");
        for (int j = 0; j < differentiable.Length; j++)
        {
            var grad = grads[j] ?? Tensor.ZerosLike(diffLeaves[j]);
            GoldenAssert.Close(expectedGrads[j], Untranspose(grad, transposed[differentiable[j]]), $"{label}: gradient of input {differentiable[j]}", atol);
        }

        // Second order: d/dinputs of Σⱼ sum(gradⱼ · vⱼ). Gradients that do not depend on the inputs (linear ops)
        // carry no graph; PyTorch's values are zeros there, and so are these.
        var v = Goldens(c, "v");
        Tensor? total = null;
        for (int j = 0; j < differentiable.Length; j++)
        {
            if (grads[j] is { RequiresGrad: true } g)
            {
                var vj = transposed[differentiable[j]] ? v[j].ToTensor().Transpose(-1, -2) : v[j].ToTensor();
                var term = (g * vj).Sum();
                total = total is null ? term : total + term;
            }
        }
        var second = total is null
            ? new Tensor?[differentiable.Length]
            : Autograd.Grad([total], diffLeaves, allowUnused: true);
        var expectedSecond = Goldens(c, "grad_grads");
        for (int j = 0; j < differentiable.Length; j++)
        {
            var gg = second[j] ?? Tensor.ZerosLike(diffLeaves[j]);
            GoldenAssert.Close(expectedSecond[j], Untranspose(gg, transposed[differentiable[j]]), $"{label}: second-order gradient of input {differentiable[j]}", atol);
        }
    }

    private static GoldenTensor[] Goldens(JsonElement c, string property) =>
        [.. c.GetProperty(property).EnumerateArray().Select(GoldenTensor.Parse)];

    /// <summary>Whether transposing the last two dims gives a non-contiguous view (both sizes above 1).</summary>
    private static bool HasTransposableLayout(int[] shape) => shape.Length >= 2 && shape[^1] > 1 && shape[^2] > 1;

    private static int[] SwapLastTwo(int[] shape)
    {
        var s = (int[])shape.Clone();
        (s[^1], s[^2]) = (s[^2], s[^1]);
        return s;
    }

    /// <summary>A gradient with respect to a transposed leaf, in the layout of the operand PyTorch saw.</summary>
    private static Tensor Untranspose(Tensor grad, bool transposed) => transposed ? grad.Transpose(-1, -2) : grad;
}
