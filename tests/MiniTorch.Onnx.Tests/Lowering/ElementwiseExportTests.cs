using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Lowering;

/// <summary>
/// Elementwise export beyond the op table: every elementwise op, activation and comparison is exported from its row
/// of tests/MiniTorch.OpDatabase by <see cref="OpTableExportTests"/>; these cover equal values, broadcasting against
/// a column and a 0-d tensor, and float64 models.
/// </summary>
public class ElementwiseExportTests
{
    [Fact]
    public void ComparisonsOnEqualValuesGiveOnes()
    {
        // Equal values hit the 1 branch of every mask, which random data never does. The Bool masks are counted as
        // numbers (mask * 1.0): Bool + Bool is a logical or, as in PyTorch.
        var model = RoundTrip.Check(x => x.Eq(x.Relu()) * 1.0 + x.Ge(x.Relu()) * 1.0 + x.Le(0) * 1.0, b => RoundTrip.Randn(b, b, 5));
        var ones = OnnxCheck.Compare(model, xs => [xs[0].Eq(xs[0].Relu()) * 1.0 + xs[0].Ge(xs[0].Relu()) * 1.0 + xs[0].Le(0) * 1.0], Tensor.Ones(2, 5));
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
