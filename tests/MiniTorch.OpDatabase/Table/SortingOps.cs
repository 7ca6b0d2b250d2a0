using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>Ops whose results are Int64 positions (sort, top-k, nonzero, unique, bincount), scatter, and advanced indexing with a tensor.</summary>
internal static class SortingOps
{
    private const string IndexResults = "its Int64 results have no ONNX lowering in MiniTorch's exporter yet";

    public static IEnumerable<OpInfo> All() =>
    [
        new()
        {
            Name = "Sort", Api = ["Tensor.Sort"], Onnx = OnnxSupport.NotExportable("Sort", IndexResults),
            Call = (x, a) => Pair(x[0].Sort(a.Int("dim"), a.Bool("descending"))),
            Samples =
            [
                Sample(Distinct(3, 4)).With(Args(("dim", 1), ("descending", false))),
                Sample(Distinct(2, 3, 4)).With(Args(("dim", 0), ("descending", true))),
                Sample(Transposed(3, 4)).With(Args(("dim", -1), ("descending", true))),
                Sample(Randn()).With(Args(("dim", 0), ("descending", false))),
            ],
        },
        new()
        {
            Name = "TopK", Api = ["Tensor.TopK"], Onnx = OnnxSupport.NotExportable("TopK", IndexResults),
            Call = (x, a) => Pair(x[0].TopK(a.Int("k"), a.Int("dim"), a.Bool("largest"))),
            Samples =
            [
                Sample(Distinct(3, 5)).With(Args(("k", 2), ("dim", 1), ("largest", true))),
                Sample(Distinct(4, 3)).With(Args(("k", 3), ("dim", 0), ("largest", false))),
                Sample(Transposed(3, 4)).With(Args(("k", 1), ("dim", -1), ("largest", true))),
            ],
        },
        new()
        {
            Name = "Scatter", Api = ["Tensor.Scatter"], Onnx = OnnxSupport.Export("Scatter", "ScatterElements"),
            Call = One((x, a) => x[0].Scatter(a.Int("dim"), a.Tensor("index"), x[1])),
            Samples =
            [
                Sample(Randn(3, 4), Randn(2, 4)).With(Args(("dim", 0), ("index", IndexArg([0, 2, 1, 0, 2, 1, 0, 1], 2, 4)))),
                Sample(U(3, 5), U(3, 3)).With(Args(("dim", 1), ("index", IndexArg([4, 0, 2, 1, 3, 2], 3, 2)))),
                Sample(Transposed(3, 4), U(3, 2)).With(Args(("dim", 1), ("index", IndexArg([3, 0, 1, 2, 2, 0], 3, 2)))),
                Sample(Randn(3, 4), Randn(3, 2)).With(Args(("dim", 1), ("index", IndexArg([3, 0, 1, 2, 2, 0], 3, 2)))).OnnxFixed(),
            ],
        },
        new()
        {
            Name = "ScatterValue", Api = ["Tensor.Scatter"], Onnx = OnnxSupport.NotExportable("ScatterValue", "MiniTorch's exporter has no lowering for a scatter of a scalar value yet"),
            Call = One((x, a) => x[0].Scatter(a.Int("dim"), a.Tensor("index"), a.Double("value"))),
            Samples =
            [
                Sample(Randn(3, 4)).With(Args(("dim", 1), ("index", IndexArg([0, 3, 1, 1, 2, 0], 3, 2)), ("value", 2.5))),
                Sample(Transposed(3, 4)).With(Args(("dim", 0), ("index", IndexArg([2, 0, 1, 0], 1, 4)), ("value", -1.0))),
            ],
        },
        new()
        {
            Name = "MaskedSelect", Api = ["Tensor.MaskedSelect"], Onnx = OnnxSupport.NotExportable(null, "its output size depends on the mask's values"),
            Call = One((x, a) => x[0].MaskedSelect(a.Tensor("mask"))),
            Samples =
            [
                Sample(U(2, 3)).With(Args(("mask", MaskArg([1, 0, 1, 0, 1, 1], 2, 3)))),
                Sample(Transposed(3, 2)).With(Args(("mask", MaskArg([0, 1], 2)))),
            ],
        },
        new()
        {
            Name = "IndexWithTensor", Api = ["Tensor.get_Index"], Onnx = OnnxSupport.NotExportable(null, "the index is read as numbers, so the exporter would freeze it"),
            Call = One((x, a) => x[0][a.Tensor("index")]),
            Samples =
            [
                Sample(Randn(4, 3)).With(Args(("index", IndexArg([3, -1, 0, 3], 2, 2)))),
                Sample(Transposed(3, 4)).With(Args(("index", IndexArg([2, 0], 2)))),
            ],
        },
        new()
        {
            Name = "IndexWithMask", Api = ["Tensor.get_Index"], Onnx = OnnxSupport.NotExportable(null, "its output size depends on the mask's values"),
            Call = One((x, a) => x[0][a.Tensor("mask")]),
            Samples =
            [
                Sample(Randn(3, 4)).With(Args(("mask", MaskArg([1, 0, 1], 3)))),
                Sample(U(2, 3, 2)).With(Args(("mask", MaskArg([0, 1, 1, 0, 0, 1], 2, 3)))),
                Sample(Transposed(3, 4)).With(Args(("mask", MaskArg([1, 1, 0], 3)))),
            ],
        },
        new()
        {
            Name = "Nonzero", Api = ["Tensor.Nonzero"], SupportsBackward = false, SupportsDoubleBackward = false, SupportsForwardMode = false,
            Onnx = OnnxSupport.NotExportable("Nonzero", IndexResults),
            Call = One(x => x[0].Nonzero()),
            Samples = [Sample(Values([0, 1.5, 0, -2, 3, 0], 2, 3)), Sample(Values([0, 0, 4], 3))],
        },
        new()
        {
            Name = "Unique", Api = ["Tensor.Unique"], SupportsBackward = false, SupportsDoubleBackward = false, SupportsForwardMode = false,
            Onnx = OnnxSupport.NotExportable("Unique", IndexResults),
            Call = (x, _) =>
            {
                var (values, inverse, counts) = x[0].Unique(returnInverse: true, returnCounts: true);
                return [values, inverse!, counts!];
            },
            Samples = [Sample(Values([3, 1, 3, 2, 1, 3], 2, 3)), Sample(Values([0.5, -1], 2))],
        },
        new()
        {
            Name = "Bincount", Api = ["Tensor.Bincount"], SupportsBackward = false, SupportsDoubleBackward = false, SupportsForwardMode = false,
            Onnx = OnnxSupport.NotExportable("Bincount", IndexResults),
            Call = One((x, a) => a.Tensor("values").Bincount(a.Bool("weighted") ? x[0] : null, a.Int("minlength"))),
            Samples =
            [
                Sample(U(5)).With(Args(("values", IndexArg([1, 3, 1, 0, 3], 5)), ("weighted", true), ("minlength", 0))),
                Sample(U(5)).With(Args(("values", IndexArg([1, 3, 1, 0, 3], 5)), ("weighted", false), ("minlength", 6))),
            ],
        },
    ];

    private static Tensor[] Pair((Tensor Values, Tensor Indices) r) => [r.Values, r.Indices];
}
