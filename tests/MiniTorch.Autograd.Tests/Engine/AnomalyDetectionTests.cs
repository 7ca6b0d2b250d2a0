namespace MiniTorch.Tests.Engine;

/// <summary>Anomaly mode is process-wide (as in PyTorch), so these tests must not overlap tests that make NaN gradients on purpose.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class AnomalyDetectionCollection
{
    public const string Name = "Anomaly mode (process-wide)";
}

/// <summary>
/// <see cref="Autograd.DetectAnomaly"/>: PyTorch's <c>torch.autograd.detect_anomaly()</c>. Backward names the first
/// node that returns NaN/Inf, in PyTorch's words ("Function 'LogBackward' returned inf values in its 0th output."),
/// and where the forward op was called.
/// </summary>
[Collection(AnomalyDetectionCollection.Name)]
public class AnomalyDetectionTests
{
    [Fact]
    public void LogOfZeroInTheMiddleOfAGraphNamesLogBackwardAndTheForwardLine()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0, 3.0 }, requiresGrad: true);
        AnomalyException e;
        using (Autograd.DetectAnomaly())
        {
            var shifted = x - 1;                  // [0, 1, 2]
            var logged = shifted.Log(); string logLine = "AnomalyDetectionTests.cs:line " + CallerLine();
            var loss = (logged * 2).Exp().Sum();
            e = Assert.Throws<AnomalyException>(() => loss.Backward());
            Assert.Contains(logLine, e.Message);
        }
        // The forward value log(0) = -Inf flows through Mul and Exp, whose gradients stay finite (exp(-Inf) = 0), so
        // the log node is the first to return a bad gradient: g/x = 0/0 = NaN.
        Assert.StartsWith("Function 'LogBackward' returned nan values in its 0th output.", e.Message);
        Assert.Equal("LogBackward", e.GradFn.Name);
        Assert.Equal("nan", e.Kind);
        Assert.Contains("The forward op (Log) was called at MiniTorch.Tests.Engine.AnomalyDetectionTests.LogOfZeroInTheMiddleOfAGraphNamesLogBackwardAndTheForwardLine", e.Message);
        Assert.NotNull(e.ForwardStackTrace);
    }

    [Fact]
    public void ZeroOverZeroNamesDivBackwardWithNan()
    {
        var a = Tensor.FromArray(new[] { 0.0, 1.0 }, requiresGrad: true);
        var b = Tensor.FromArray(new[] { 0.0, 2.0 }, requiresGrad: true);
        using var scope = Autograd.DetectAnomaly();
        var q = (a * 1) / (b * 1);                       // 0/0 = NaN in the first element
        var loss = (q + 1).Sum();
        var e = Assert.Throws<AnomalyException>(() => loss.Backward());
        // DivBackward's first output g/b is 1/0 = Inf; its second, -g·a/b², is 0/0 = NaN: PyTorch reports the
        // first bad output it checks, ours checks in input order, so the 0th output (inf) is named.
        Assert.Equal("DivBackward", e.GradFn.Name);
        Assert.Equal(0, e.OutputIndex);
        Assert.Contains("returned inf values in its 0th output", e.Message);
        Assert.Null(a.Grad);
    }

    [Fact]
    public void NanFromLogOfANegativeIsReportedByTheNodeWhoseGradientBecomesNan()
    {
        // log(-1) is NaN in the forward pass; its own gradient 1/x = -1 is finite, so (as in PyTorch) the first
        // node to *return* NaN is the consumer Mul, whose gradient g·y multiplies by the NaN.
        var x = Tensor.FromArray(new[] { -1.0, 2.0 }, requiresGrad: true);
        using var scope = Autograd.DetectAnomaly();
        var y = x.Log();
        var loss = (y * y).Sum();
        var e = Assert.Throws<AnomalyException>(() => loss.Backward());
        Assert.Equal("MulBackward", e.GradFn.Name);
        Assert.Equal("nan", e.Kind);
    }

    [Fact]
    public void WithoutTheModeNaNGradientsFlowSilentlyAsInPyTorch()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var loss = (x - 1).Log().Sum();
        Assert.False(Autograd.IsAnomalyEnabled);
        loss.Backward();
        Assert.Equal(double.PositiveInfinity, x.Grad!.ToDoubleArray()[0]);
        Assert.Equal(1.0, x.Grad!.ToDoubleArray()[1]);
    }

    [Fact]
    public void OffTheModeRecordsNoForwardTrace()
    {
        // "Costs nothing when off": no stack trace is captured for ops recorded outside the mode.
        var x = Tensor.Ones([2], requiresGrad: true);
        var y = x.Exp();
        Assert.Null(y.GradFn!.ForwardTrace);
        using (Autograd.DetectAnomaly())
        {
            var z = x.Exp();
            Assert.NotNull(z.GradFn!.ForwardTrace);
        }
    }

    [Fact]
    public void ForwardRecordedOutsideTheModeIsStillCheckedAndSaysWhereIsUnknown()
    {
        var x = Tensor.FromArray(new[] { 0.0 }, requiresGrad: true);
        var loss = x.Sqrt().Sum();
        using var scope = Autograd.DetectAnomaly();
        var e = Assert.Throws<AnomalyException>(() => loss.Backward());
        Assert.Equal("SqrtBackward", e.GradFn.Name);
        Assert.Contains("recorded outside Autograd.DetectAnomaly()", e.Message);
        Assert.Null(e.ForwardStackTrace);
    }

    [Fact]
    public void ScopesNestAndEndWhenDisposed()
    {
        Assert.False(Autograd.IsAnomalyEnabled);
        var outer = Autograd.DetectAnomaly();
        using (Autograd.DetectAnomaly())
        {
            Assert.True(Autograd.IsAnomalyEnabled);
        }
        Assert.True(Autograd.IsAnomalyEnabled);
        outer.Dispose();
        outer.Dispose();
        Assert.False(Autograd.IsAnomalyEnabled);
    }

    [Fact]
    public void FiniteGradientsPassUnchanged()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        using var scope = Autograd.DetectAnomaly();
        (x * x).Sum().Backward();
        Assert.Equal(new[] { 2.0, 4.0 }, x.Grad!.ToDoubleArray());
    }

    private static int CallerLine([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;
}
