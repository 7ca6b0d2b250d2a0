using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>Ops that read or write through index tensors and masks, and the im2col pair.</summary>
internal static class IndexingOps
{
    public static IEnumerable<OpInfo> All() =>
    [
        new()
        {
            Name = "Gather", Api = ["Tensor.Gather"], GoldenKey = "gather", Onnx = OnnxSupport.Export("Gather", "GatherElements"),
            Call = One((x, a) => x[0].Gather(a.Int("dim"), a.Tensor("index"))),
            Samples =
            [
                Sample(Randn(3, 4)).With(Index(1, [0, 3, 3, 1, 2, 0], 3, 2)).Golden("gather_dim_1"),
                Sample(Randn(3, 4)).With(Index(0, [2, 0, 1, 2, 2, 2, 0, 1], 2, 4)).Golden("gather_dim_0_repeated"),
                Sample(Randn(2, 3, 4)).With(Index(-1, [3, 0, 1, 1, 2, 0, 0, 3, 2, 1, 1, 3], 2, 3, 2)).Golden("gather_dim_negative_3d"),
                Sample(U(2, 3)).With(Index(1, [2, 0, 0, 1], 2, 2)),
                Sample(Transposed(3, 4)).With(Index(1, [0, 3, 1, 1, 2, 0], 3, 2)),
                Sample(Randn(3, 4)).With(Index(1, [0, 3, 3, 1, 2, 0], 3, 2)).OnnxFixed(),
            ],
        },
        new()
        {
            Name = "IndexSelect", Api = ["Tensor.IndexSelect"], GoldenKey = "index_select", Onnx = OnnxSupport.Export("IndexSelect", "Gather"),
            // A tensor index through the tensor overload, an int[] through the params overload.
            Call = One((x, a) => a.Find("index") is int[] ints ? x[0].IndexSelect(a.Int("dim"), ints) : x[0].IndexSelect(a.Int("dim"), a.Tensor("index"))),
            Samples =
            [
                Sample(Randn(4, 3)).With(Index(0, [3, 0, 3], 3)).Golden("index_select_dim_0"),
                Sample(Randn(2, 3, 4)).With(Index(-1, [1, 1, 0, 3, 2], 5)).Golden("index_select_dim_negative_3d"),
                Sample(Transposed(3, 2)).With(Args(("dim", 0), ("index", new[] { 2, 0, 2 }))),
                Sample(U(2, 3)).With(Args(("dim", 1), ("index", new[] { 1, 1 }))),
                Sample(Randn(3, 5)).With(Index(1, [4, 0, 4], 3)).Onnx(),
            ],
        },
        new()
        {
            Name = "ScatterAdd", Api = ["Tensor.ScatterAdd"], GoldenKey = "scatter_add", Onnx = OnnxSupport.Export("ScatterAdd", "ScatterElements"),
            Call = One((x, a) => x[0].ScatterAdd(a.Int("dim"), a.Tensor("index"), x[1])),
            Samples =
            [
                Sample(Randn(3, 4), Randn(2, 4)).With(Index(0, [0, 2, 1, 0, 2, 2, 0, 1], 2, 4)).Golden("scatter_add_dim_0"),
                Sample(Randn(3, 5), Randn(3, 3)).With(Index(1, [4, 0, 4, 1, 1, 2, 3, 0, 2], 3, 3)).Golden("scatter_add_dim_1"),
                Sample(U(2, 3), U(1, 3)).With(Index(0, [1, 0, 1], 1, 3)),
                Sample(Values([0, 0, 0, 0], 2, 2), U(2, 1)).Grad(false, true).With(Index(1, [1, 1], 2, 1)),
                Sample(Randn(3, 4), Randn(2, 4)).With(Index(0, [0, 2, 1, 0, 2, 2, 0, 1], 2, 4)).OnnxFixed(),
            ],
        },
        new()
        {
            Name = "IndexAdd", Api = ["Tensor.IndexAdd"], Onnx = OnnxSupport.Export("IndexAdd", "ScatterElements"),
            Call = One((x, a) => x[0].IndexAdd(a.Int("dim"), a.Tensor("index"), x[1])),
            Samples =
            [
                Sample(U(2, 2), U(2, 2)).With(Index(0, [1, 1], 2)),
                Sample(Transposed(3, 4), U(3, 2)).With(Index(1, [3, 0], 2)),
                Sample(Randn(3, 4), Randn(3, 2)).With(Index(1, [3, 3], 2)).OnnxFixed(),
            ],
        },
        new()
        {
            Name = "IndexCopy", Api = ["Tensor.IndexCopy"], Onnx = OnnxSupport.Export(null, "ScatterElements"),
            Call = One((x, a) => x[0].IndexCopy(a.Int("dim"), a.Tensor("index"), x[1])),
            Samples =
            [
                Sample(U(3, 2), U(2, 2)).With(Index(0, [2, 0], 2)),
                Sample(Transposed(2, 4), U(2, 2)).With(Index(1, [3, 1], 2)),
                Sample(Randn(3, 4), Randn(3, 2)).With(Index(1, [3, 0], 2)).OnnxFixed(),
            ],
        },
        new()
        {
            Name = "IndexPut", Api = ["Tensor.IndexPut"], Onnx = OnnxSupport.Export(null, "ScatterElements"),
            Call = One((x, a) => x[0].IndexPut([a.Tensor("rows"), a.Tensor("cols")], x[1], a.Bool("accumulate"))),
            Samples =
            [
                Sample(U(3, 4), U(2)).With(Args(("rows", IndexArg([0, 2], 2)), ("cols", IndexArg([1, 3], 2)), ("accumulate", false))),
                Sample(U(3, 4), U(3)).With(Args(("rows", IndexArg([1, 1, 0], 3)), ("cols", IndexArg([2, 2, 0], 3)), ("accumulate", true))),
                Sample(Randn(3, 4), Randn(2)).With(Args(("rows", IndexArg([0, 2], 2)), ("cols", IndexArg([1, 3], 2)), ("accumulate", false))).OnnxFixed(),
            ],
        },
        new()
        {
            Name = "MaskedScatter", Api = ["Tensor.MaskedScatter"], Onnx = OnnxSupport.Export(null, "ScatterElements"),
            Call = One((x, a) => x[0].MaskedScatter(a.Tensor("mask"), x[1])),
            Samples =
            [
                Sample(U(2, 3), U(5)).With(Args(("mask", MaskArg([1, 0, 1, 0, 1, 1], 2, 3)))),
                Sample(Randn(2, 3), Randn(5)).With(Args(("mask", MaskArg([1, 0, 1, 0, 1, 1], 2, 3)))).OnnxFixed(),
            ],
        },
        new()
        {
            Name = "Im2Col", Api = ["Tensor.Im2Col"], SupportsDoubleBackward = true,
            Onnx = OnnxSupport.NotExportable("Im2Col", "ONNX has Col2Im but no Im2Col (unfold); the exporter says so and points to Conv2d"),
            Call = One((x, a) => x[0].Im2Col(Pair(a.Ints("kernel")), padding: Pair(a.Ints("padding")))),
            Samples =
            [
                Sample(U(1, 2, 3, 3)).With(Args(("kernel", new[] { 2, 2 }), ("padding", new[] { 1, 0 }))),
                Sample(TransposedLastTwo(1, 2, 4, 3)).With(Args(("kernel", new[] { 2, 2 }), ("padding", new[] { 0, 1 }))),
            ],
        },
        new()
        {
            Name = "Col2Im", Api = ["Tensor.Col2Im"], Onnx = OnnxSupport.Export("Col2Im", "Col2Im"),
            Call = One((x, a) => x[0].Col2Im(Pair(a.Ints("output_size")), Pair(a.Ints("kernel")))),
            Samples =
            [
                Sample(U(1, 8, 4)).With(Args(("output_size", new[] { 3, 3 }), ("kernel", new[] { 2, 2 }))),
                Sample(TransposedLastTwo(1, 4, 8)).With(Args(("output_size", new[] { 3, 3 }), ("kernel", new[] { 2, 2 }))),
                Sample(Randn(2, 8, 4)).With(Args(("output_size", new[] { 3, 3 }), ("kernel", new[] { 2, 2 }))).OnnxFixed(),
            ],
        },
    ];

    private static OpArgs Index(int dim, double[] index, params int[] shape) => Args(("dim", dim), ("index", IndexArg(index, shape)));

    internal static (int, int) Pair(int[] v) => (v[0], v[1]);
}
