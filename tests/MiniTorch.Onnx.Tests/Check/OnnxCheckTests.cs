using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Check;

/// <summary>The cross-check's numbers and messages, against outputs whose differences are known.</summary>
public class OnnxCheckTests
{
    private static readonly OnnxModel Identity = OnnxExporter.Export(x => x * 1, Tensor.Zeros(1, 4));
    private static readonly OnnxModel Row = OnnxExporter.Export(x => x * 1, Tensor.Zeros(1, 5));

    [Fact]
    public void ReportsMaxAbsoluteAndRelativeErrorPerOutput()
    {
        var input = Tensor.FromArray(new float[,] { { 1, -2, 0, 4, 5 } });
        var expected = Tensor.FromArray(new float[,] { { 1.5f, -2, 0.25f, 3, 0 } });
        var report = OnnxCheck.Compare(Row, [input], [expected]);
        var output = Assert.Single(report.Outputs);
        Assert.Equal("output", output.Name);
        Assert.Equal(5.0, output.MaxAbsoluteError, 12);          // |5 − 0|
        Assert.Equal(1.0, output.MaxRelativeError, 12);           // |0 − 0.25| / 0.25; the 0 expected is skipped
        Assert.Equal(5.0, report.MaxAbsoluteError, 12);
        Assert.False(report.IsWithin(4.9, 0.1));
        Assert.True(report.IsWithin(5.0, 0));
    }

    [Fact]
    public void AssertCloseNamesTheWorstElement()
    {
        var model = OnnxExporter.Export(x => x * 2, Tensor.Zeros(1, 3));
        var input = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var error = Assert.Throws<OnnxCheckException>(() => OnnxCheck.AssertClose(model, xs => [xs[0] * 2 + xs[0].Eq(5) * 0.5], [input]));
        Assert.Contains("at [1, 1]", error.Message);
        Assert.Contains("ONNX Runtime 10, MiniTorch 10.5", error.Message);
        Assert.Equal(0.5, error.Report.MaxAbsoluteError, 12);
    }

    [Fact]
    public void ShapeMismatchIsReported()
    {
        var report = OnnxCheck.Compare(Identity, [Tensor.Zeros(2, 4)], [Tensor.Zeros(4, 2)]);
        Assert.False(report.Outputs[0].ShapesMatch);
        Assert.Equal(double.PositiveInfinity, report.MaxAbsoluteError);
        Assert.Contains("shape [2, 4] from ONNX Runtime, [4, 2] from MiniTorch", report.ToString());
    }

    [Fact]
    public void NaNMatchesNaNOnlyOnBothSides()
    {
        var nan = Tensor.FromArray(new float[,] { { float.NaN, 1, 2, 3 } });
        Assert.True(OnnxCheck.Compare(Identity, [nan], [nan]).IsWithin(0, 0));
        var report = OnnxCheck.Compare(Identity, [nan], [Tensor.FromArray(new float[,] { { 0, 1, 2, 3 } })]);
        Assert.False(report.IsWithin(1, 1));
        Assert.Equal(double.PositiveInfinity, report.MaxAbsoluteError);
    }

    [Fact]
    public void AModuleIsComparedInEvalModeAndItsModeKept()
    {
        var model = new Sequential(new Linear(4, 4), new Dropout(0.9));
        var onnx = OnnxExporter.Export(model, RoundTrip.Randn(1, 2, 4), new OnnxExportOptions { OnWarning = _ => { } });
        var report = OnnxCheck.AssertClose(onnx, model, RoundTrip.Randn(2, 8, 4));
        Assert.True(report.MaxAbsoluteError < 1e-5);
        Assert.True(model.IsTraining);
    }

    [Fact]
    public void BadArguments()
    {
        Assert.Throws<ArgumentException>(() => OnnxCheck.Compare(Identity, [Tensor.Zeros(1, 4)], []));
        var tolerance = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxCheck.AssertClose(Identity, xs => [xs[0]], [Tensor.Zeros(1, 4)], -1, 0));
        Assert.Contains("non-negative", tolerance.Message);
        using var session = new OnnxRuntimeSession(Identity);
        var count = Assert.Throws<ArgumentException>(() => session.Run(Tensor.Zeros(1, 4), Tensor.Zeros(1, 4)));
        Assert.Contains("1 inputs (input), got 2 tensors", count.Message);
        var shape = Assert.Throws<InvalidOperationException>(() => session.Run(Tensor.Zeros(1, 5)));
        Assert.Contains("[1, 5]", shape.Message);
    }
}
