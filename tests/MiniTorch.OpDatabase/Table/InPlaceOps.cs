using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>
/// In-place ops, applied to a copy (<c>x * 1</c>) so the leaf keeps its values: the gradient and the tangent follow
/// the value. They do not export: the tracer refuses an in-place write to a tensor it has seen.
/// </summary>
internal static class InPlaceOps
{
    public static IEnumerable<OpInfo> All() =>
    [
        InPlace("AddInPlace", (x, a) => a.Contains("scalar") ? Copy(x[0]).AddInPlace(a.Double("scalar")) : Copy(x[0]).AddInPlace(x[1], alpha: a.Find("alpha") is double alpha ? alpha : 1),
            Sample(U(2, 3), U(3)),
            Sample(U(2, 3), U(2, 3)).With(Args(("alpha", -2.0))),
            Sample(Transposed(2, 3)).With(Args(("scalar", 1.5)))),
        InPlace("SubInPlace", (x, a) => a.Contains("scalar") ? Copy(x[0]).SubInPlace(a.Double("scalar")) : Copy(x[0]).SubInPlace(x[1]),
            Sample(U(3), U(3)),
            Sample(Transposed(2, 3), U(3)),
            Sample(U(3)).With(Args(("scalar", 0.5)))),
        InPlace("MulInPlace", (x, a) => a.Contains("scalar") ? Copy(x[0]).MulInPlace(a.Double("scalar")) : Copy(x[0]).MulInPlace(x[1]),
            Sample(U(2, 2), U(2, 1)),
            Sample(U(2, 2)).With(Args(("scalar", 3.0)))),
        InPlace("DivInPlace", (x, a) => a.Contains("scalar") ? Copy(x[0]).DivInPlace(a.Double("scalar")) : Copy(x[0]).DivInPlace(x[1]),
            Sample(U(3), AwayFromZero(3)),
            Sample(Sliced(2, 3)).With(Args(("scalar", -4.0)))),
        InPlace("AddcmulInPlace", (x, a) => Copy(x[0]).AddcmulInPlace(x[1], x[2], a.Double("value")),
            Sample(U(3), U(3), U(3)).With(Args(("value", 0.5))),
            Sample(Transposed(2, 3), U(3), U(2, 1)).With(Args(("value", 2.0)))),
        InPlace("AddcdivInPlace", (x, a) => Copy(x[0]).AddcdivInPlace(x[1], x[2], a.Double("value")),
            Sample(U(3), U(3), AwayFromZero(3)).With(Args(("value", -0.5))),
            Sample(Sliced(2, 3), U(3), AwayFromZero(2, 1)).With(Args(("value", 1.0)))),
        InPlace("SqrtInPlace", (x, _) => Copy(x[0]).SqrtInPlace(),
            Sample(Uniform(0.5, 2, 3)),
            Sample(Transposed(2, 3, 0.5, 2))),
        InPlace("ClampInPlace", (x, a) => Copy(x[0]).ClampInPlace(a.NullableDouble("min"), a.NullableDouble("max")),
            Sample(AwayFromZero(4)).With(Args(("min", -0.9), ("max", 0.9))),
            Sample(Strided(AwayFrom([-0.5, 0.5], 3, 2))).With(Args(("min", -0.5), ("max", 0.5)))),
        InPlace("MaximumInPlace", (x, _) => Copy(x[0]).MaximumInPlace(x[1]),
            Sample(Distinct(3), Distinct(3)),
            Sample(Split([2, 3], [3]))),
        // Fill cuts the copy from the input; the sum with the input keeps a path for the gradient to check.
        InPlace("FillInPlace", (x, a) => Copy(x[0]).FillInPlace(a.Double("value")) + x[0],
            Sample(U(3)).With(Args(("value", 2.0))),
            Sample(Transposed(2, 2)).With(Args(("value", -1.0)))),
        InPlace("ZeroInPlace", (x, _) => Copy(x[0]).ZeroInPlace() + x[0] * x[0],
            Sample(U(2, 2)),
            Sample(Transposed(2, 3))),
        InPlace("CopyFromInPlace", (x, _) => Copy(x[0]).CopyFromInPlace(x[1].Sin()),
            Sample(U(2, 2), U(2))),
        InPlace("MaskedFillInPlace", (x, a) => Copy(x[0]).MaskedFillInPlace(a.Tensor("mask"), a.Double("value")),
            Sample(AwayFromZero(2, 3)).With(Args(("mask", MaskArg([1, 0, 0, 1, 1, 0], 2, 3)), ("value", -1.0))),
            Sample(Strided(AwayFromZero(3, 2))).With(Args(("mask", MaskArg([1, 0, 1], 3)), ("value", 4.0)))),
        InPlace("IndexCopyInPlace", (x, a) => Copy(x[0]).IndexCopyInPlace(a.Int("dim"), a.Tensor("index"), x[1]),
            Sample(U(3, 2), U(2, 2)).With(Args(("dim", 0), ("index", IndexArg([2, 0], 2))))),
        InPlace("IndexPutInPlace", (x, a) => Copy(x[0]).IndexPutInPlace([a.Tensor("rows")], x[1], a.Bool("accumulate")),
            Sample(U(3, 2), U(2, 2)).With(Args(("rows", IndexArg([2, 2], 2)), ("accumulate", true)))),
        InPlace("MaskedScatterInPlace", (x, a) => Copy(x[0]).MaskedScatterInPlace(a.Tensor("mask"), x[1]),
            Sample(U(2, 2), U(3)).With(Args(("mask", MaskArg([0, 1, 1, 1], 2, 2))))),
    ];

    private static Tensor Copy(Tensor x) => x * 1;

    private static OpInfo InPlace(string name, Func<Tensor[], OpArgs, Tensor> f, params OpSample[] samples) => new()
    {
        Name = name, Api = [$"Tensor.{name}"], Samples = samples, Call = One(f),
        Onnx = InPlaceNotTraceable,
    };
}
