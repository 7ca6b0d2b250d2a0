using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Forward;

/// <summary>
/// One table of every differentiable op of the core, each with seeded float64 inputs chosen to keep finite
/// differences away from kinks, including broadcast shapes and non-contiguous (transposed, sliced) layouts.
/// <see cref="ForwardOpTests"/> runs the forward-mode checks on every entry.
/// </summary>
internal static class ForwardOpCases
{
    public sealed record Case(string Name, Func<Tensor[], Tensor> Function, Func<Generator, Tensor[]> Inputs);

    private static readonly (int H, int W) K2 = (2, 2);

    public static readonly Case[] All =
    [
        // Arithmetic, with broadcasting and strided operands.
        new("Add", t => t[0] + t[1], g => [Uniform(g, [2, 3]), Uniform(g, [3])]),
        new("AddTransposed", t => t[0] + t[1], g => [TransposedLeaf(g, 3, 2), Uniform(g, [3, 1])]),
        new("Sub", t => t[0] - t[1], g => [Uniform(g, [2, 1, 3]), Uniform(g, [4, 3])]),
        new("Mul", t => t[0] * t[1], g => [SlicedLeaf(g, 2, 3), Uniform(g, [2, 1])]),
        new("Div", t => t[0] / t[1], g => [Uniform(g, [3]), AwayFromZero(g, [2, 3])]),
        new("ScalarAddSub", t => (t[0] + 2) - 0.5, g => [Uniform(g, [2, 2])]),
        new("ScalarRsub", t => 3 - t[0], g => [Uniform(g, [3])]),
        new("ScalarMulDiv", t => t[0] * 2.5 / 4, g => [TransposedLeaf(g, 2, 3)]),
        new("ScalarRdiv", t => 2 / t[0], g => [AwayFromZero(g, [4])]),
        new("Neg", t => -t[0], g => [Uniform(g, [2, 3])]),

        // Unary math.
        new("Exp", t => t[0].Exp(), g => [TransposedLeaf(g, 2, 3)]),
        new("Log", t => t[0].Log(), g => [Uniform(g, [2, 3], 0.5, 2)]),
        new("Sqrt", t => t[0].Sqrt(), g => [Uniform(g, [2, 3], 0.5, 2)]),
        new("Abs", t => t[0].Abs(), g => [AwayFromZero(g, [5])]),
        new("Sin", t => t[0].Sin(), g => [SlicedLeaf(g, 2, 2)]),
        new("Cos", t => t[0].Cos(), g => [Uniform(g, [3])]),
        new("Tanh", t => t[0].Tanh(), g => [Uniform(g, [2, 3])]),
        new("Sigmoid", t => t[0].Sigmoid(), g => [TransposedLeaf(g, 3, 2)]),
        new("Erf", t => t[0].Erf(), g => [Uniform(g, [4])]),
        new("Sign", t => t[0].Sign() * t[0], g => [AwayFromZero(g, [4])]),

        // Activations, Pow, Where, Min/Max, Clamp.
        new("Relu", t => t[0].Relu(), g => [AwayFromZero(g, [2, 3])]),
        new("LeakyRelu", t => t[0].LeakyRelu(0.1), g => [AwayFromZero(g, [2, 3])]),
        new("Clamp", t => t[0].Clamp(-0.9, 0.9), g => [AwayFromZero(g, [3, 3], 0.2, 1.5)]),
        new("ClampMinOnly", t => t[0].Clamp(min: 0.5), g => [AwayFromZero(g, [4])]),
        new("PowScalar", t => t[0].Pow(1.5), g => [Uniform(g, [2, 3], 0.5, 2)]),
        new("PowInteger", t => t[0].Pow(3) + t[0].Square(), g => [Uniform(g, [3])]),
        new("PowZero", t => t[0].Pow(0) * t[0], g => [Uniform(g, [3])]),
        new("PowTensor", t => Tensor.Pow(t[0], t[1]), g => [Uniform(g, [2, 3], 0.5, 2), Uniform(g, [3])]),
        new("Where", t => Tensor.Where(t[0].Gt(t[1]), t[0], t[1] * 2), g => [Distinct(g, [2, 3]), Distinct(g, [3])]),
        new("WhereScalar", t => Tensor.Where(t[0].Gt(0), t[0], 0.5) + Tensor.Where(t[0].Lt(0), 1.5, t[0]), g => [AwayFromZero(g, [4])]),
        new("MaskedFill", t => t[0].MaskedFill(t[0].Gt(0), 2), g => [AwayFromZero(g, [2, 2])]),
        new("Maximum", t => Tensor.Maximum(t[0], t[1]), g => [Distinct(g, [2, 3]), Distinct(g, [3])]),
        new("Minimum", t => Tensor.Minimum(t[0], t[1]), g => [Distinct(g, [3, 2]), Distinct(g, [2])]),

        // Reductions and statistics.
        new("SumAll", t => t[0].Sum(), g => [TransposedLeaf(g, 2, 3)]),
        new("SumDim", t => t[0].Sum(1, keepDim: true), g => [Uniform(g, [2, 3, 2])]),
        new("MeanDims", t => t[0].Mean([0, 2]), g => [Uniform(g, [2, 3, 2])]),
        new("MaxAll", t => t[0].Max(), g => [Distinct(g, [2, 3])]),
        new("MinAll", t => t[0].Min(), g => [Distinct(g, [4])]),
        new("MaxDim", t => t[0].Max(1).Values, g => [Distinct(g, [2, 3])]),
        new("MinDimKeep", t => t[0].Min(0, keepDim: true).Values, g => [Distinct(g, [3, 2])]),
        new("LogSumExp", t => t[0].LogSumExp(1), g => [Uniform(g, [2, 3])]),
        new("LogSumExpKeep", t => t[0].LogSumExp([0, 1], keepDim: true), g => [TransposedLeaf(g, 2, 3)]),
        new("Softmax", t => t[0].Softmax(-1), g => [Uniform(g, [2, 3])]),
        new("SoftmaxDim0", t => t[0].Softmax(0), g => [TransposedLeaf(g, 3, 2)]),
        new("LogSoftmax", t => t[0].LogSoftmax(1), g => [Uniform(g, [2, 3])]),
        new("Var", t => t[0].Var(1), g => [Uniform(g, [2, 4])]),
        new("Std", t => t[0].Std([0], correction: 0, keepDim: true), g => [Uniform(g, [3, 2])]),
        new("Norm2", t => t[0].Norm(), g => [Uniform(g, [2, 3])]),
        new("Norm2Dim", t => t[0].Norm(2, [1], keepDim: true), g => [SlicedLeaf(g, 2, 3)]),
        new("Norm1", t => t[0].Norm(1, [0]), g => [AwayFromZero(g, [3, 2])]),
        new("NormInf", t => t[0].Norm(double.PositiveInfinity, [1]), g => [Distinct(g, [2, 3])]),
        new("NormInfKeep", t => t[0].Norm(double.PositiveInfinity, [0], keepDim: true), g => [Distinct(g, [3, 2])]),
        new("Norm3", t => t[0].Norm(3), g => [AwayFromZero(g, [4])]),

        // Products.
        new("Dot", t => Tensor.Dot(t[0], t[1]), g => [Uniform(g, [4]), Uniform(g, [4])]),
        new("Mm", t => Tensor.Mm(t[0], t[1]), g => [TransposedLeaf(g, 2, 3), Uniform(g, [3, 2])]),
        new("Bmm", t => Tensor.Bmm(t[0], t[1]), g => [Uniform(g, [2, 2, 3]), Uniform(g, [2, 3, 2])]),
        new("MatmulBroadcastBatch", t => Tensor.Matmul(t[0], t[1]), g => [Uniform(g, [2, 1, 2, 3]), Uniform(g, [3, 3, 2])]),
        new("MatmulBatchByMatrix", t => Tensor.Matmul(t[0], t[1]), g => [Uniform(g, [2, 2, 3]), SlicedLeaf(g, 3, 2)]),
        new("MatmulVectorMatrix", t => Tensor.Matmul(t[0], t[1]), g => [Uniform(g, [3]), Uniform(g, [3, 2])]),
        new("MatmulMatrixVector", t => Tensor.Matmul(t[0], t[1]), g => [TransposedLeaf(g, 2, 3), Uniform(g, [3])]),

        // Views and copies.
        new("Reshape", t => t[0].Reshape(3, -1), g => [TransposedLeaf(g, 2, 3)]),
        new("View", t => t[0].View(6), g => [Uniform(g, [2, 3])]),
        new("Flatten", t => t[0].Flatten(), g => [Uniform(g, [2, 1, 3])]),
        new("Transpose", t => t[0].Transpose(0, 2), g => [Uniform(g, [2, 3, 2])]),
        new("T", t => t[0].T * t[1], g => [Uniform(g, [2, 3]), Uniform(g, [3, 2])]),
        new("Permute", t => t[0].Permute(2, 0, 1), g => [Uniform(g, [2, 3, 2])]),
        new("Squeeze", t => t[0].Squeeze() + t[0].Squeeze(1).Sum(0), g => [Uniform(g, [1, 1, 3])]),
        new("Unsqueeze", t => t[0].Unsqueeze(1) * t[0].Unsqueeze(0), g => [Uniform(g, [3])]),
        new("Expand", t => t[0].Expand(2, 3, 2), g => [Uniform(g, [3, 1])]),
        new("ExpandAs", t => t[0].ExpandAs(t[1]) * t[1], g => [Uniform(g, [1, 3]), Uniform(g, [2, 3])]),
        new("Narrow", t => t[0].Narrow(1, 1, 2), g => [SlicedLeaf(g, 2, 4)]),
        new("Select", t => t[0].Select(0, -1), g => [Uniform(g, [3, 2])]),
        new("Indexing", t => t[0][1.., 0] + t[0][TensorIndex.Ellipsis, ..^1, ^1], g => [Uniform(g, [3, 2])]),
        new("Clone", t => t[0].Clone() * t[0], g => [TransposedLeaf(g, 2, 2)]),
        new("Contiguous", t => t[0].Contiguous(), g => [TransposedLeaf(g, 3, 2)]),

        // Joining and indexing.
        new("Cat", t => Tensor.Cat([t[0], t[1], t[0]], 1), g => [Uniform(g, [2, 2]), TransposedLeaf(g, 2, 3)]),
        new("CatOneDual", t => Tensor.Cat([t[0], Tensor.Ones([1, 2], DType.Float64)], 0), g => [Uniform(g, [2, 2])]),
        new("Stack", t => Tensor.Stack([t[0], t[1]], 1), g => [Uniform(g, [2, 3]), Uniform(g, [2, 3])]),
        new("Gather", t => t[0].Gather(1, Tensor.FromArray([2.0, 0, 0, 1], [2, 2])), g => [Uniform(g, [2, 3])]),
        new("ScatterAdd", t => t[0].ScatterAdd(0, Tensor.FromArray([1.0, 0, 1], [1, 3]), t[1]), g => [Uniform(g, [2, 3]), Uniform(g, [1, 3])]),
        new("ScatterAddSourceOnly", t => Tensor.Zeros([2, 2], DType.Float64).ScatterAdd(1, Tensor.FromArray([1.0, 1], [2, 1]), t[0]), g => [Uniform(g, [2, 1])]),
        new("IndexSelectRows", t => t[0].IndexSelect(0, 2, 0, 2), g => [TransposedLeaf(g, 3, 2)]),
        new("IndexSelectColumns", t => t[0].IndexSelect(1, 1, 1), g => [Uniform(g, [2, 3])]),
        new("IndexAdd", t => t[0].IndexAdd(0, Tensor.IndexTensor(1, 1).To(DType.Float64), t[1]), g => [Uniform(g, [2, 2]), Uniform(g, [2, 2])]),
        new("Im2Col", t => t[0].Im2Col(K2, padding: (1, 0)), g => [Uniform(g, [1, 2, 3, 3])]),
        new("Col2Im", t => t[0].Col2Im((3, 3), K2), g => [Uniform(g, [1, 8, 4])]),

        // Convolution (bilinear in input and weight, plus the bias) and pooling.
        new("Conv2d", t => Tensor.Conv2d(t[0], t[1], t[2], stride: (2, 1), padding: (1, 1)),
            g => [Uniform(g, [2, 2, 5, 4]), Uniform(g, [3, 2, 3, 2]), Uniform(g, [3])]),
        new("Conv2dGroupsDilation", t => Tensor.Conv2d(t[0].Transpose(2, 3), t[1], dilation: (2, 1), padding: (2, 0), groups: 2),
            g => [Uniform(g, [1, 4, 4, 5]), Uniform(g, [2, 2, 2, 2])]),
        new("Conv2dWeightOnly", t => Tensor.Conv2d(Tensor.Ones([1, 3, 3, 3], DType.Float64), t[0], groups: 3), g => [Uniform(g, [3, 1, 2, 2])]),
        new("Conv2dSecondOrder", t => Autograd.Grad([Tensor.Conv2d(t[0], t[1], padding: (1, 1)).Square().Sum()], [t[0]], createGraph: true)[0]!,
            g => [Uniform(g, [1, 2, 3, 3]), Uniform(g, [2, 2, 2, 2])]),
        new("Conv2dSecondOrderWeight", t => Autograd.Grad([Tensor.Conv2d(t[0], t[1], stride: (2, 2), groups: 2).Square().Sum()], [t[1]], createGraph: true)[0]!,
            g => [Uniform(g, [2, 2, 5, 5]), Uniform(g, [2, 1, 3, 3])]),
        new("MaxPool2d", t => t[0].MaxPool2d(K2, stride: (1, 2), padding: (1, 1)), g => [Distinct(g, [1, 2, 3, 4])]),
        new("MaxPool2dCeilDilation", t => t[0].MaxPool2d(K2, stride: (2, 2), dilation: (2, 1), ceilMode: true), g => [Distinct(g, [2, 1, 5, 4])]),
        new("AvgPool2d", t => t[0].AvgPool2d((3, 2), stride: (2, 1), padding: (1, 1), countIncludePad: false), g => [Uniform(g, [1, 2, 5, 4])]),
        new("AvgPool2dCeil", t => t[0].AvgPool2d((3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true), g => [Uniform(g, [1, 1, 6, 6])]),
        new("AdaptiveAvgPool2d", t => t[0].AdaptiveAvgPool2d((2, 3)), g => [Uniform(g, [2, 1, 5, 4])]),

        // In-place ops: the tangent follows the value.
        new("AddInPlace", t => (t[0] * 1).AddInPlace(t[1]), g => [Uniform(g, [2, 3]), Uniform(g, [3])]),
        new("AddInPlaceAlpha", t => (t[0] * 1).AddInPlace(t[1], alpha: -2), g => [Uniform(g, [2, 3]), Uniform(g, [2, 3])]),
        new("SubInPlace", t => (t[0] * 1).SubInPlace(t[1]).SubInPlace(0.5), g => [Uniform(g, [3]), Uniform(g, [3])]),
        new("MulInPlace", t => (t[0] * 1).MulInPlace(t[1]).MulInPlace(3), g => [Uniform(g, [2, 2]), Uniform(g, [2, 1])]),
        new("DivInPlace", t => (t[0] * 1).DivInPlace(t[1]), g => [Uniform(g, [3]), AwayFromZero(g, [3])]),
        new("AddcmulInPlace", t => (t[0] * 1).AddcmulInPlace(t[1], t[2], 0.5), g => [Uniform(g, [3]), Uniform(g, [3]), Uniform(g, [3])]),
        new("AddcdivInPlace", t => (t[0] * 1).AddcdivInPlace(t[1], t[2], -0.5), g => [Uniform(g, [3]), Uniform(g, [3]), AwayFromZero(g, [3])]),
        new("SqrtInPlace", t => (t[0] * 1).SqrtInPlace(), g => [Uniform(g, [3], 0.5, 2)]),
        new("ClampInPlace", t => (t[0] * 1).ClampInPlace(-0.9, 0.9), g => [AwayFromZero(g, [4])]),
        new("MaximumInPlace", t => (t[0] * 1).MaximumInPlace(t[1]), g => [Distinct(g, [3]), Distinct(g, [3])]),
        new("FillInPlace", t => (t[0] * 1).FillInPlace(2) + t[0], g => [Uniform(g, [3])]),
        new("CopyFromInPlace", t => (t[0] * 1).CopyFromInPlace(t[1].Sin()), g => [Uniform(g, [2, 2]), Uniform(g, [2])]),

        // A custom Function with a forward-mode rule.
        new("CustomFunctionJvp", t => new CubeWithJvp().Apply(t[0]) * t[1], g => [Uniform(g, [3]), Uniform(g, [3])]),
    ];

    /// <summary>x³ with both a backward and a forward-mode rule.</summary>
    internal sealed class CubeWithJvp : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0] * inputs[0];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var x = ctx.SavedTensors[0];
            return [gradOutput * 3 * x * x];
        }

        protected override Tensor? Jvp(FunctionContext ctx, Tensor?[] inputTangents)
        {
            var x = ctx.SavedTensors[0];
            return inputTangents[0] is { } t ? t * 3 * x * x : null;
        }
    }
}
