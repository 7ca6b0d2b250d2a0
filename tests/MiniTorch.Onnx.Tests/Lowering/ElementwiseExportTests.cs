using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Lowering;

/// <summary>Every elementwise op, activation and comparison: exported at batch 3, run in ONNX Runtime at batches 3, 1 and 6.</summary>
public class ElementwiseExportTests
{
    private static readonly Tensor Row = RoundTrip.Randn(100, 5);

    private static readonly Dictionary<string, (Func<Tensor, Tensor> Function, string OnnxOp)> Ops = new()
    {
        ["Add"] = (x => x + Row, "Add"),
        ["Sub"] = (x => x - Row, "Sub"),
        ["Mul"] = (x => x * Row, "Mul"),
        ["Div"] = (x => x / (Row.Abs() + 1), "Div"),
        ["AddScalar"] = (x => x + 1.5, "Add"),
        ["SubScalar"] = (x => x - 1.5, "Sub"),
        ["ScalarSub"] = (x => 1.5 - x, "Sub"),
        ["MulScalar"] = (x => x * -2.5, "Mul"),
        ["DivScalar"] = (x => x / 4, "Div"),
        ["ScalarDiv"] = (x => 3 / (x.Abs() + 1), "Div"),
        ["Neg"] = (x => -x, "Neg"),
        ["Exp"] = (x => x.Exp(), "Exp"),
        ["Log"] = (x => (x.Abs() + 0.1).Log(), "Log"),
        ["Sqrt"] = (x => x.Abs().Sqrt(), "Sqrt"),
        ["Abs"] = (x => x.Abs(), "Abs"),
        ["Sin"] = (x => x.Sin(), "Sin"),
        ["Cos"] = (x => x.Cos(), "Cos"),
        ["Tanh"] = (x => x.Tanh(), "Tanh"),
        ["Sigmoid"] = (x => x.Sigmoid(), "Sigmoid"),
        ["Sign"] = (x => x.Sign(), "Sign"),
        ["Erf"] = (x => x.Erf(), "Erf"),
        ["Relu"] = (x => x.Relu(), "Relu"),
        ["LeakyRelu"] = (x => x.LeakyRelu(0.2), "LeakyRelu"),
        ["Clamp"] = (x => x.Clamp(-0.5, 0.7), "Clip"),
        ["ClampMin"] = (x => x.Clamp(min: -0.5), "Clip"),
        ["ClampMax"] = (x => x.Clamp(max: 0.3), "Clip"),
        ["PowScalar"] = (x => x.Pow(3), "Pow"),
        ["Square"] = (x => x.Square(), "Pow"),
        ["PowTensor"] = (x => (x.Abs() + 0.5).Pow(Row), "Pow"),
        ["Maximum"] = (x => Tensor.Maximum(x, Row), "Max"),
        ["Minimum"] = (x => Tensor.Minimum(x, Row), "Min"),
        ["GeluExact"] = (x => Functional.Gelu(x), "Gelu"),
        ["GeluTanh"] = (x => Functional.Gelu(x, GeluApproximation.Tanh), "Gelu"),
        ["Eq"] = (x => x.Eq(Row), "Equal"),
        ["Ne"] = (x => x.Ne(Row), "Not"),
        ["Lt"] = (x => x < Row, "Less"),
        ["Le"] = (x => x <= 0, "LessOrEqual"),
        ["Gt"] = (x => x > 0.25, "Greater"),
        ["Ge"] = (x => x >= Row, "GreaterOrEqual"),
        ["Where"] = (x => Tensor.Where(x > 0, x, Row), "Where"),
        ["WhereScalar"] = (x => Tensor.Where(x > 0, x, -1.0), "Where"),
        ["MaskedFill"] = (x => x.MaskedFill(x < 0, 9), "Where"),
    };

    public static TheoryData<string> Names => [.. Ops.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void ExportsAndMatchesOnnxRuntime(string name)
    {
        var (function, onnxOp) = Ops[name];
        var model = RoundTrip.Check(function, b => RoundTrip.Randn(b, b, 5));
        Assert.Contains(onnxOp, RoundTrip.OpTypes(model));
    }

    [Fact]
    public void ComparisonsOnEqualValuesGiveOnes()
    {
        // Equal values hit the 1 branch of every mask, which random data never does.
        var model = RoundTrip.Check(x => x.Eq(x.Relu()) + x.Ge(x.Relu()) + x.Le(0), b => RoundTrip.Randn(b, b, 5));
        var ones = OnnxCheck.Compare(model, xs => [xs[0].Eq(xs[0].Relu()) + xs[0].Ge(xs[0].Relu()) + xs[0].Le(0)], Tensor.Ones(2, 5));
        Assert.Equal(0, ones.MaxAbsoluteError);
    }

    [Fact]
    public void BroadcastsAgainstAColumnAndAScalarTensor()
    {
        var column = RoundTrip.Randn(7, 5, 1);
        var scalar = Tensor.Scalar(0.5);
        RoundTrip.Check(x => x.Unsqueeze(1) * column + scalar, b => RoundTrip.Randn(b, b, 4));
    }

    [Fact]
    public void Float64ModelsKeepDoublePrecision()
    {
        var model = OnnxExporter.Export(x => (x * 3).Tanh() + 1e-12, RoundTrip.Randn(1, 2, 3).To(DType.Float64));
        var input = RoundTrip.Randn(2, 4, 3).To(DType.Float64);
        var report = OnnxCheck.AssertClose(model, xs => [(xs[0] * 3).Tanh() + 1e-12], [input], 1e-14, 1e-14);
        Assert.True(report.MaxAbsoluteError < 1e-14);
        Assert.Equal(11, model.Proto.Graph.Input[0].Type.TensorType.ElemType); // DOUBLE
    }
}
