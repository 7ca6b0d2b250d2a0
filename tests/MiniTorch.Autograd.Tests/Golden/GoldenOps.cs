using System.Text.Json;

namespace MiniTorch.Tests.Golden;

/// <summary>
/// The MiniTorch call for each op name of <c>ops.json</c>; the generator's <c>OPS</c> table holds the PyTorch call
/// for the same name. Each returns the op's outputs, the first being the differentiated one.
/// </summary>
internal static class GoldenOps
{
    public static Tensor[] Run(string op, IReadOnlyList<Tensor> x, GoldenParams p) => op switch
    {
        // Tensor-tensor arithmetic through the statics; the scalar forms through the C# operators.
        "add" => [Tensor.Add(x[0], x[1])],
        "sub" => [Tensor.Sub(x[0], x[1])],
        "mul" => [Tensor.Mul(x[0], x[1])],
        "div" => [Tensor.Div(x[0], x[1])],
        "add_scalar" => [x[0] + p.Double("scalar")],
        "sub_scalar" => [x[0] - p.Double("scalar")],
        "rsub_scalar" => [p.Double("scalar") - x[0]],
        "mul_scalar" => [x[0] * p.Double("scalar")],
        "div_scalar" => [x[0] / p.Double("scalar")],
        "rdiv_scalar" => [p.Double("scalar") / x[0]],
        "neg" => [-x[0]],

        "exp" => [x[0].Exp()],
        "log" => [x[0].Log()],
        "sqrt" => [x[0].Sqrt()],
        "abs" => [x[0].Abs()],
        "sin" => [x[0].Sin()],
        "cos" => [x[0].Cos()],
        "tanh" => [x[0].Tanh()],
        "sigmoid" => [x[0].Sigmoid()],
        "relu" => [x[0].Relu()],
        // A null slope means PyTorch's default, so MiniTorch's default is what is compared.
        "leaky_relu" => [p.NullableDouble("slope") is double slope ? x[0].LeakyRelu(slope) : x[0].LeakyRelu()],
        "clamp" => [x[0].Clamp(p.NullableDouble("min"), p.NullableDouble("max"))],
        "pow_scalar" => [x[0].Pow(p.Double("exponent"))],
        "pow_tensor" => [x[0].Pow(x[1])],
        "maximum" => [Tensor.Maximum(x[0], x[1])],
        "minimum" => [Tensor.Minimum(x[0], x[1])],
        "where" => [Tensor.Where(p.Tensor("condition"), x[0], x[1])],

        "sum" => [Reduce(x[0], p, static (t, d, k) => t.Sum(d, k), static (t, d, k) => t.Sum(d, k), static t => t.Sum())],
        "mean" => [Reduce(x[0], p, static (t, d, k) => t.Mean(d, k), static (t, d, k) => t.Mean(d, k), static t => t.Mean())],
        "max_all" => [x[0].Max()],
        "min_all" => [x[0].Min()],
        "max_dim" => Pair(x[0].Max(p.Int("dim"), p.Bool("keepdim"))),
        "min_dim" => Pair(x[0].Min(p.Int("dim"), p.Bool("keepdim"))),
        "var" => [Statistic(x[0], p, static (t, d, c, k) => t.Var(d, c, k), static (t, d, c, k) => t.Var(d, c, k))],
        "std" => [Statistic(x[0], p, static (t, d, c, k) => t.Std(d, c, k), static (t, d, c, k) => t.Std(d, c, k))],
        "norm" => [x[0].Norm(NormP(p.Element("p")), p.NullableInts("dims"), p.Bool("keepdim"))],
        "softmax" => [x[0].Softmax(p.Int("dim"))],
        "log_softmax" => [x[0].LogSoftmax(p.Int("dim"))],
        "logsumexp" => [p.Ints("dims") is [int dim] ? x[0].LogSumExp(dim, p.Bool("keepdim")) : x[0].LogSumExp(p.Ints("dims"), p.Bool("keepdim"))],

        "gather" => [x[0].Gather(p.Int("dim"), p.Tensor("index"))],
        "index_select" => [x[0].IndexSelect(p.Int("dim"), p.Tensor("index"))],
        "scatter_add" => [x[0].ScatterAdd(p.Int("dim"), p.Tensor("index"), x[1])],

        "reshape" => [x[0].Reshape(p.Ints("shape"))],
        "transpose" => [x[0].Transpose(p.Int("dim0"), p.Int("dim1"))],
        "permute" => [x[0].Permute(p.Ints("dims"))],
        "expand" => [x[0].Expand(p.Ints("sizes"))],
        "narrow" => [x[0].Narrow(p.Int("dim"), p.Int("start"), p.Int("length"))],
        "squeeze" => [p.NullableInt("dim") is int dim ? x[0].Squeeze(dim) : x[0].Squeeze()],
        "unsqueeze" => [x[0].Unsqueeze(p.Int("dim"))],
        "index" => [x[0][Indices(p.Element("items"))]],
        "cat" => [Tensor.Cat(x, p.Int("dim"))],
        "stack" => [Tensor.Stack(x, p.Int("dim"))],

        "dot" => [Tensor.Dot(x[0], x[1])],
        "mm" => [Tensor.Mm(x[0], x[1])],
        "bmm" => [Tensor.Bmm(x[0], x[1])],
        "matmul" => [Tensor.Matmul(x[0], x[1])],

        "conv2d" => [Tensor.Conv2d(x[0], x[1], x.Count > 2 ? x[2] : null, Pair2(p.Ints("stride")), Pair2(p.Ints("padding")),
            Pair2(p.Ints("dilation")), p.Int("groups"))],
        "max_pool2d" => [x[0].MaxPool2d(Pair2(p.Ints("kernel")), Pair2(p.Ints("stride")), Pair2(p.Ints("padding")), Pair2(p.Ints("dilation")),
            p.Bool("ceil_mode"))],
        "avg_pool2d" => [x[0].AvgPool2d(Pair2(p.Ints("kernel")), Pair2(p.Ints("stride")), Pair2(p.Ints("padding")), p.Bool("ceil_mode"),
            p.Bool("count_include_pad"))],
        "adaptive_avg_pool2d" => [x[0].AdaptiveAvgPool2d(Pair2(p.Ints("output_size")))],

        "mlp_log_softmax" => [Tensor.Matmul((Tensor.Matmul(x[0], x[1]) + x[2]).Tanh(), x[3]).LogSoftmax(-1)],
        "swish_plus_square_mean" => [x[0] * x[0].Sigmoid() + x[0].Pow(2).Mean(0, keepDim: true)],
        _ => throw new NotSupportedException($"golden op '{op}' has no MiniTorch mapping; add it to {nameof(GoldenOps)}."),
    };

    private static (int Height, int Width) Pair2(int[] values) => (values[0], values[1]);

    private static Tensor[] Pair((Tensor Values, Tensor Indices) r) => [r.Values, r.Indices];

    /// <summary>Sum/Mean through each overload: all dims (no args), one dim, or a dim list / null with keepDim.</summary>
    private static Tensor Reduce(Tensor x, GoldenParams p, Func<Tensor, int, bool, Tensor> oneDim, Func<Tensor, int[]?, bool, Tensor> dims, Func<Tensor, Tensor> all)
    {
        var d = p.NullableInts("dims");
        bool keepDim = p.Bool("keepdim");
        return d switch
        {
            null when !keepDim => all(x),
            [int single] => oneDim(x, single, keepDim),
            _ => dims(x, d, keepDim),
        };
    }

    /// <summary>Var/Std through the one-dim overload when one dim is given, else the dim-list overload (null = all).</summary>
    private static Tensor Statistic(Tensor x, GoldenParams p, Func<Tensor, int, int, bool, Tensor> oneDim, Func<Tensor, int[]?, int, bool, Tensor> dims)
    {
        var d = p.NullableInts("dims");
        int correction = p.Int("correction");
        bool keepDim = p.Bool("keepdim");
        return d is [int single] ? oneDim(x, single, correction, keepDim) : dims(x, d, correction, keepDim);
    }

    private static double NormP(JsonElement p) => p.ValueKind == JsonValueKind.String && p.GetString() == "inf" ? double.PositiveInfinity : p.GetDouble();

    /// <summary>The generator's index items as C# indices: an int, a range (null ends open, negatives from the end), ..., or a new axis.</summary>
    private static TensorIndex[] Indices(JsonElement items) =>
    [
        .. items.EnumerateArray().Select(item => item.GetProperty("kind").GetString() switch
        {
            "int" => (TensorIndex)item.GetProperty("value").GetInt32(),
            "slice" => (TensorIndex)new Range(Bound(item, "start", Index.Start), Bound(item, "end", Index.End)),
            "ellipsis" => TensorIndex.Ellipsis,
            "newaxis" => TensorIndex.NewAxis,
            var kind => throw new NotSupportedException($"golden index kind '{kind}'"),
        }),
    ];

    private static Index Bound(JsonElement item, string name, Index open)
    {
        if (!item.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return open;
        }
        int i = v.GetInt32();
        return i < 0 ? Index.FromEnd(-i) : Index.FromStart(i);
    }
}
