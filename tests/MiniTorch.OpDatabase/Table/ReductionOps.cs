using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>Reductions, statistics, norms and the softmax family, through each overload (all dims, one dim, a dim list).</summary>
internal static class ReductionOps
{
    private const string DistinctOnly = "the gradient flows to the winner, which only distinct values make unique";

    public static IEnumerable<OpInfo> All() =>
    [
        Reduction("Sum", "sum", "Sum", "ReduceSum", static (t, d, k) => t.Sum(d, k), static (t, d, k) => t.Sum(d, k), static t => t.Sum(),
            Sample(Randn(3, 4)).With(All(false)).Golden("sum_all"),
            Sample(Randn(3, 4)).With(All(true)).Golden("sum_all_keepdim"),
            Sample(Randn(3, 4)).With(Dims([1], false)).Golden("sum_dim_1"),
            Sample(Randn(2, 3, 4)).With(Dims([-2], true)).Golden("sum_dim_negative_keepdim"),
            Sample(Randn(2, 3, 4)).With(Dims([0, 2], false)).Golden("sum_dims_0_2"),
            Sample(Randn()).With(All(false)).Golden("sum_0d"),
            Sample(Transposed(2, 3)).With(All(false)),
            Sample(U(2, 3, 2)).With(Dims([1], true)),
            Sample(Randn(3, 4, 5)).With(Dims([-1], false)).Onnx()),
        Reduction("Mean", "mean", "Mean", "ReduceMean", static (t, d, k) => t.Mean(d, k), static (t, d, k) => t.Mean(d, k), static t => t.Mean(),
            Sample(Randn(3, 4)).With(All(false)).Golden("mean_all"),
            Sample(Randn(3, 4)).With(Dims([0], true)).Golden("mean_dim_0_keepdim"),
            Sample(Randn(2, 3, 4)).With(Dims([-1, -3], false)).Golden("mean_dims_negative"),
            Sample(U(2, 3, 2)).With(Dims([0, 2], false)),
            Sample(Transposed(3, 4)).With(Dims([1], true)).Onnx()),
        new()
        {
            Name = "MaxAll", Api = ["Tensor.Max"], GoldenKey = "max_all", Onnx = OnnxSupport.Export("Max", "ReduceMax"),
            Call = One(x => x[0].Max()),
            Samples =
            [
                Sample(Distinct(3, 4)).Golden("max_all"),
                // On ties PyTorch 1.13 spreads the gradient evenly over the tied elements (MiniTorch documents the same).
                Sample(Values([1.0, 3.0, -2.0, 3.0, 0.5, 3.0], 2, 3)).Golden("max_all_ties").Kink(AtKink),
                Sample(Distinct(2, 3)),
                Sample(Strided(Distinct(3, 2))),
                Sample(Randn(3, 5)).Onnx(),
            ],
        },
        new()
        {
            Name = "MinAll", Api = ["Tensor.Min"], GoldenKey = "min_all", Onnx = OnnxSupport.Export("Min", "ReduceMin"),
            Call = One(x => x[0].Min()),
            Samples =
            [
                Sample(Distinct(2, 3, 4)).Golden("min_all"),
                Sample(Values([-1.0, 3.0, -2.0, -2.0], 4)).Golden("min_all_ties").Kink(AtKink),
                Sample(Distinct(4)),
                Sample(Strided(Distinct(2, 3))),
                Sample(Randn(3, 5)).Onnx(),
            ],
        },
        new()
        {
            Name = "MaxDim", Api = ["Tensor.Max"], GoldenKey = "max_dim", Onnx = OnnxSupport.Export("MaxDim", "ReduceMax"),
            Call = (x, a) => Pair(x[0].Max(a.Int("dim"), a.Bool("keepdim"))),
            Samples =
            [
                Sample(Distinct(3, 4)).With(Dim(1, false)).Golden("max_dim_1"),
                Sample(Distinct(3, 4)).With(Dim(0, true)).Golden("max_dim_0_keepdim"),
                Sample(Distinct(2, 3, 4)).With(Dim(-2, false)).Golden("max_dim_negative_3d"),
                Sample(Distinct(5)).With(Dim(0, false)).Golden("max_dim_1d"),
                Sample(Randn()).With(Dim(0, false)).Golden("max_dim_0d"),
                Sample(Distinct(2, 3)).With(Dim(1, false)),
                Sample(Strided(Distinct(3, 4))).With(Dim(0, true)),
                Sample(Distinct(3, 5)).With(Dim(1, false)).Onnx(),
            ],
        },
        new()
        {
            Name = "MinDim", Api = ["Tensor.Min"], GoldenKey = "min_dim", Onnx = OnnxSupport.Export("MinDim", "ReduceMin"),
            Call = (x, a) => Pair(x[0].Min(a.Int("dim"), a.Bool("keepdim"))),
            Samples =
            [
                Sample(Distinct(3, 4)).With(Dim(1, false)).Golden("min_dim_1"),
                Sample(Distinct(2, 3, 4)).With(Dim(-1, true)).Golden("min_dim_negative_keepdim"),
                Sample(Distinct(3, 2)).With(Dim(0, true)),
                Sample(Strided(Distinct(3, 4))).With(Dim(1, false)),
                Sample(Distinct(3, 5)).With(Dim(-1, true)).Onnx(),
            ],
        },
        new()
        {
            Name = "ArgMax", Api = ["Tensor.ArgMax"], SupportsBackward = false, SupportsDoubleBackward = false, SupportsForwardMode = false,
            Onnx = OnnxSupport.Export("ArgMax", "ArgMax"),
            Call = One((x, a) => x[0].ArgMax(a.Int("dim"), a.Bool("keepdim"))),
            Samples = [Sample(Distinct(3, 4)).With(Dim(1, false)), Sample(Distinct(2, 3, 4)).With(Dim(0, true)), Sample(Distinct(3, 5)).With(Dim(1, true)).Onnx()],
        },
        new()
        {
            Name = "ArgMin", Api = ["Tensor.ArgMin"], SupportsBackward = false, SupportsDoubleBackward = false, SupportsForwardMode = false,
            Onnx = OnnxSupport.Export("ArgMin", "ArgMin"),
            Call = One((x, a) => x[0].ArgMin(a.Int("dim"), a.Bool("keepdim"))),
            Samples = [Sample(Distinct(3, 4)).With(Dim(-1, false)), Sample(Distinct(3, 5)).With(Dim(1, false)).Onnx()],
        },
        Statistic("Var", "var", static (t, d, c, k) => t.Var(d, c, k), static (t, d, c, k) => t.Var(d, c, k),
        [
            .. Corrections("var", allName: "var_all", dimName: "var_dim_1", dimsName: "var_dims_0_2_keepdim"),
            Sample(Randn(3, 4)).With(Stat(null, 1, true)).Golden("var_all_keepdim"),
            Sample(U(2, 4)).With(Stat([1], 1, false)),
            Sample(Transposed(3, 4)).With(Stat([0], 1, true)),
            Sample(Randn(3, 5)).With(Stat([1], 1, false)).Onnx(),
        ]),
        Statistic("Std", "std", static (t, d, c, k) => t.Std(d, c, k), static (t, d, c, k) => t.Std(d, c, k),
        [
            .. Corrections("std", allName: "std_all", dimName: null, dimsName: null),
            Sample(U(3, 2)).With(Stat([0], 0, true)),
            Sample(Sliced(3, 4)).With(Stat(null, 1, false)),
            Sample(Randn(3, 5)).With(Stat([-1], 0, true)).Onnx(),
        ]),
        new()
        {
            Name = "Norm", Api = ["Tensor.Norm"], GoldenKey = "norm", Onnx = OnnxSupport.Export("Norm", "ReduceL2"),
            Call = One((x, a) => x[0].Norm(a.Double("p"), a.NullableInts("dims"), a.Bool("keepdim"))),
            Samples =
            [
                .. new object[] { 1, 2, 3, "inf" }.SelectMany(p => new[]
                {
                    Sample(Distinct(3, 4)).With(NormArgs(p, null, false)).Golden($"norm_p_{p}_all"),
                    Sample(Distinct(3, 4)).With(NormArgs(p, null, true)).Golden($"norm_p_{p}_all_keepdim"),
                    Sample(Distinct(2, 3, 4)).With(NormArgs(p, [-1], false)).Golden($"norm_p_{p}_dim_negative"),
                    Sample(Distinct(2, 3, 4)).With(NormArgs(p, [0, 2], true)).Golden($"norm_p_{p}_dims_0_2_keepdim"),
                }),
                // PyTorch spreads the inf-norm's gradient evenly over tied maxima of |x| (here 3 and -3 in one row).
                Sample(Values([1.0, -3.0, 3.0, 2.0, 0.5, -1.5], 2, 3)).With(NormArgs("inf", [-1], false)).Golden("norm_p_inf_dim_ties").Kink(AtKink),
                Sample(Values([1.0, -3.0, 3.0, 2.0, 0.5, -1.5], 2, 3)).With(NormArgs("inf", null, false)).Golden("norm_p_inf_all_ties").Kink(AtKink),
                Sample(U(2, 3)).With(NormArgs(2, null, false)),
                Sample(Sliced(2, 3)).With(NormArgs(2, [1], true)),
                Sample(AwayFromZero(3, 2)).With(NormArgs(1, [0], false)),
                Sample(Distinct(2, 3)).With(NormArgs("inf", [1], false)),
                Sample(Distinct(3, 2)).With(NormArgs("inf", [0], true)),
                Sample(AwayFromZero(4)).With(NormArgs(3, null, false)),
                Sample(Randn(3, 5)).With(NormArgs(2, [1], false)).Onnx(),
            ],
        },
    ];

    private static OpArgs All(bool keepDim) => Args(("dims", null), ("keepdim", keepDim));

    private static OpArgs Dims(int[] dims, bool keepDim) => Args(("dims", dims), ("keepdim", keepDim));

    private static OpArgs Dim(int dim, bool keepDim) => Args(("dim", dim), ("keepdim", keepDim));

    private static OpArgs Stat(int[]? dims, int correction, bool keepDim) => Args(("dims", dims), ("correction", correction), ("keepdim", keepDim));

    private static OpArgs NormArgs(object p, int[]? dims, bool keepDim) => Args(("p", p), ("dims", dims), ("keepdim", keepDim));

    private static Tensor[] Pair((Tensor Values, Tensor Indices) r) => [r.Values, r.Indices];

    /// <summary>The golden var/std cases for both corrections (PyTorch's unbiased = correction 1, and 0).</summary>
    private static IEnumerable<OpSample> Corrections(string op, string allName, string? dimName, string? dimsName)
    {
        foreach (int c in new[] { 0, 1 })
        {
            yield return Sample(Randn(3, 4)).With(Stat(null, c, false)).Golden($"{allName}_correction_{c}");
            if (dimName is not null)
            {
                yield return Sample(Randn(3, 4)).With(Stat([1], c, false)).Golden($"{dimName}_correction_{c}");
                yield return Sample(Randn(2, 3, 4)).With(Stat([0, 2], c, true)).Golden($"{dimsName}_correction_{c}");
            }
            else
            {
                yield return Sample(Randn(2, 3, 4)).With(Stat([-1], c, true)).Golden($"{op}_dim_negative_keepdim_correction_{c}");
            }
        }
    }

    /// <summary>Sum/Mean through each overload: all dims (no args), one dim, or a dim list / null with keepdim.</summary>
    private static OpInfo Reduction(string name, string goldenKey, string traceName, string onnxOp, Func<Tensor, int, bool, Tensor> oneDim,
        Func<Tensor, int[]?, bool, Tensor> dims, Func<Tensor, Tensor> all, params OpSample[] samples) => new()
    {
        Name = name, Api = [$"Tensor.{name}"], GoldenKey = goldenKey, Samples = samples,
        Onnx = OnnxSupport.Export(traceName, onnxOp),
        Call = One((x, a) =>
        {
            var d = a.NullableInts("dims");
            bool keepDim = a.Bool("keepdim");
            return d switch
            {
                null when !keepDim => all(x[0]),
                [int single] => oneDim(x[0], single, keepDim),
                _ => dims(x[0], d, keepDim),
            };
        }),
    };

    /// <summary>Var/Std through the one-dim overload when one dim is given, else the dim-list overload (null = all).</summary>
    private static OpInfo Statistic(string name, string goldenKey, Func<Tensor, int, int, bool, Tensor> oneDim, Func<Tensor, int[]?, int, bool, Tensor> dims,
        OpSample[] samples) => new()
    {
        Name = name, Api = [$"Tensor.{name}"], GoldenKey = goldenKey, Samples = samples,
        // Var and Std record the ops they are built from (Mean, Sub, Mul, Sum, Div, Sqrt), not themselves.
        Onnx = OnnxSupport.Export(null, "ReduceMean"),
        Call = One((x, a) =>
        {
            var d = a.NullableInts("dims");
            return d is [int single]
                ? oneDim(x[0], single, a.Int("correction"), a.Bool("keepdim"))
                : dims(x[0], d, a.Int("correction"), a.Bool("keepdim"));
        }),
    };
}
