using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Export;

/// <summary>What cannot be exported is refused with an error that names the op, where it ran and the shapes.</summary>
public class ExportErrorTests
{
    private sealed class Unfolding : Module
    {
        protected override Tensor Forward(Tensor input) => input.Im2Col((2, 2)).Sum(1);
    }

    private sealed class Wrapper : Module
    {
        public Wrapper() => RegisterModule("features", new Sequential(new Relu(), new Unfolding()));

        protected override Tensor Forward(Tensor input) => GetSubmodule("features").Call(input);
    }

    [Fact]
    public void AnOpWithoutOnnxEquivalentIsNamedWithItsModuleAndShapes()
    {
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(new Wrapper(), RoundTrip.Randn(1, 2, 3, 4, 4)));
        Assert.Contains("op 'Im2Col' in 'features.1'", error.Message);
        Assert.Contains("[2, 3, 4, 4]", error.Message);
        Assert.Contains("no ONNX equivalent", error.Message);
    }

    [Fact]
    public void AnInPlaceWriteToATracedTensorIsRefused()
    {
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => { var h = x * 2; h.AddInPlace(x); return h; }, RoundTrip.Randn(1, 2, 3)));
        Assert.Contains("AddInPlace", error.Message);
        Assert.Contains("x = x + y", error.Message);
    }

    [Fact]
    public void AnInPlaceWriteToTheInputIsRefused()
    {
        var x = RoundTrip.Randn(1, 2, 3);
        var before = x.ToFloatArray();
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(t => t.ReluInPlaceForTest(), x));
        Assert.Contains("ClampInPlace", error.Message);
        Assert.Equal(before, x.ToFloatArray());
    }

    [Fact]
    public void AnInPlaceWriteToAFreshTensorBeforeItIsUsedIsFine()
    {
        Func<Tensor, Tensor> f = x => { var bias = Tensor.Zeros(3); bias.FillInPlace(0.5); return x + bias; };
        var model = OnnxExporter.Export(f, RoundTrip.Randn(1, 2, 3));
        OnnxCheck.AssertClose(model, xs => [f(xs[0])], [RoundTrip.Randn(2, 4, 3)]);
    }

    [Fact]
    public void ControlFlowOnTheBatchSizeIsRefused()
    {
        Func<Tensor, Tensor> f = x => x.Size(0) % 2 == 0 ? x.Exp() : x.Tanh();
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(f, RoundTrip.Randn(1, 2, 3)));
        Assert.Contains("batch size 2", error.Message);
        Assert.Contains("batch size 3", error.Message);
        Assert.Contains("DynamicBatch = false", error.Message);
    }

    [Fact]
    public void ARandomTensorInsideTheForwardIsRefused()
    {
        var options = new OnnxExportOptions { DynamicBatch = false };
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => x + Tensor.Randn([3]), RoundTrip.Randn(1, 2, 3), options));
        Assert.Contains("op 'Randn' (no inputs) has no ONNX equivalent", error.Message);
        var dropout = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => Functional.Dropout(x, 0.5, training: true), RoundTrip.Randn(1, 2, 3), options));
        Assert.Contains("op 'Rand'", dropout.Message);
        Assert.Contains("Dropout in training mode", dropout.Message);
    }

    [Fact]
    public void AConstantThatDiffersBetweenRunsIsRefused()
    {
        int calls = 0;
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => x + Tensor.Full([3], calls++), RoundTrip.Randn(1, 2, 3)));
        Assert.Contains("differs between two runs", error.Message);
        Assert.Contains("op 'Add'", error.Message);
    }

    [Fact]
    public void ATensorBuiltFromTheInputsValuesIsRefused()
    {
        // The values are read out as numbers, so the tracer cannot see where they came from.
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => x * Tensor.FromArray(x.ToFloatArray(), x.Shape), RoundTrip.Randn(1, 2, 3)));
        Assert.Contains("ToArray/Item", error.Message);
    }

    [Fact]
    public void ExpandingAConstantToTheBatchSizeIsRefused()
    {
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => Tensor.Ones(1, 3).Expand(x.Size(0), 3) * x, RoundTrip.Randn(1, 2, 3)));
        Assert.Contains("op 'Expand'", error.Message);
        Assert.Contains("follows the batch size", error.Message);
    }

    [Fact]
    public void SqueezingABatchOfOneIsCaughtAsARankChange()
    {
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => x.Squeeze().Exp(), RoundTrip.Randn(1, 1, 3)));
        Assert.Contains("rank depends on the batch size", error.Message);
    }

    [Fact]
    public void AnInputWhoseDimZeroIsNotABatchIsExplained()
    {
        var layer = new Linear(4, 2);
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(layer, RoundTrip.Randn(1, 4)));
        Assert.Contains("one more row along dim 0 ([5])", error.Message);
        Assert.Contains("DynamicBatch = false", error.Message);
        Assert.IsType<ModuleInputException>(error.InnerException);
        var model = OnnxExporter.Export(layer, RoundTrip.Randn(1, 4), new OnnxExportOptions { DynamicBatch = false, OnWarning = _ => { } });
        OnnxCheck.AssertClose(model, layer, RoundTrip.Randn(2, 4));
    }

    [Fact]
    public void BadArguments()
    {
        Assert.Throws<ArgumentNullException>(() => OnnxExporter.Export((Module)null!, Tensor.Zeros(1, 2)));
        Assert.Throws<ArgumentNullException>(() => OnnxExporter.Export(new Relu(), null!));
        Assert.Throws<ArgumentException>(() => OnnxExporter.Export(xs => xs, []));
        var names = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(x => x.Relu(), Tensor.Zeros(1, 2), new OnnxExportOptions { InputNames = ["a", "b"] }));
        Assert.Contains("2 input names were given for 1 inputs", names.Message);
        var duplicate = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => x.Relu(), Tensor.Zeros(1, 2), new OnnxExportOptions { InputNames = ["x"], OutputNames = ["x"] }));
        Assert.Contains("'x'", duplicate.Message);
        var empty = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => x.Relu(), Tensor.Zeros(0, 2)));
        Assert.Contains("empty batch", empty.Message);
        var nothing = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(xs => [], [Tensor.Zeros(1, 2)]));
        Assert.Contains("no outputs", nothing.Message);
    }

    [Fact]
    public void ATraceCannotStartInsideAnother()
    {
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => OnnxExporter.Export(y => y, x).Proto is null ? x : x.Relu(), RoundTrip.Randn(1, 2, 3)));
        Assert.Contains("do not nest", error.InnerException?.Message ?? error.Message);
    }
}

internal static class InPlaceForTest
{
    /// <summary>An in-place ReLU written as user code might: max(x, 0) into x.</summary>
    public static Tensor ReluInPlaceForTest(this Tensor x) => x.ClampInPlace(min: 0);
}
