using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Export;

/// <summary>
/// A model in training mode is exported with its evaluation semantics and a warning (PyTorch's default), or refused
/// under <see cref="TrainingModeExport.Throw"/>; either way every module's mode is as it was.
/// </summary>
public class TrainingModeTests
{
    private static Sequential Model() => new(new Linear(4, 6, generator: new Generator(1)), new BatchNorm1d(6), new Relu(), new Dropout(0.5), new Linear(6, 2, generator: new Generator(2)));

    [Fact]
    public void ExportsEvalSemanticsWithAWarningNamingTheModules()
    {
        var model = Model();
        var warnings = new List<string>();
        var onnx = OnnxExporter.Export(model, RoundTrip.Randn(1, 3, 4), new OnnxExportOptions { OnWarning = warnings.Add });
        var warning = Assert.Single(warnings);
        Assert.Contains("'1' (BatchNorm1d)", warning);
        Assert.Contains("'3' (Dropout)", warning);
        Assert.Equal(warnings, onnx.Warnings);
        Assert.True(model.IsTraining);
        Assert.All(model.Modules(), m => Assert.True(m.IsTraining));
        Assert.DoesNotContain("Dropout", RoundTrip.OpTypes(onnx));
        Assert.Contains("BatchNormalization", RoundTrip.OpTypes(onnx));
        // OnnxCheck runs the model in eval too: the deterministic outputs agree.
        OnnxCheck.AssertClose(onnx, model, RoundTrip.Randn(2, 5, 4));
        Assert.True(model.IsTraining);
    }

    [Fact]
    public void ThrowPolicyRefusesAndLeavesTheModesAlone()
    {
        var model = Model();
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, RoundTrip.Randn(1, 3, 4), new OnnxExportOptions { TrainingMode = TrainingModeExport.Throw }));
        Assert.Contains("Sequential", error.Message);
        Assert.Contains("model.Eval()", error.Message);
        Assert.All(model.Modules(), m => Assert.True(m.IsTraining));
    }

    [Fact]
    public void AModelInEvalModeExportsWithoutWarning()
    {
        var model = Model();
        model.Eval();
        var onnx = OnnxExporter.Export(model, RoundTrip.Randn(1, 3, 4), new OnnxExportOptions { TrainingMode = TrainingModeExport.Throw, OnWarning = w => Assert.Fail(w) });
        Assert.Empty(onnx.Warnings);
        Assert.All(model.Modules(), m => Assert.False(m.IsTraining));
    }

    [Fact]
    public void MixedModesAreRestoredModuleByModule()
    {
        var model = Model();
        ((Module)model.GetSubmodule("1")).Eval();
        var warnings = new List<string>();
        OnnxExporter.Export(model, RoundTrip.Randn(1, 3, 4), new OnnxExportOptions { OnWarning = warnings.Add });
        Assert.DoesNotContain("BatchNorm1d", Assert.Single(warnings));
        Assert.False(model.GetSubmodule("1").IsTraining);
        Assert.True(model.GetSubmodule("3").IsTraining);
        Assert.True(model.IsTraining);
    }

    [Fact]
    public void FrozenBatchNormAndZeroDropoutDoNotWarn()
    {
        var model = new Sequential(new BatchNorm1d(4), new Dropout(0));
        model.GetSubmodule("0").Freeze();
        var onnx = OnnxExporter.Export(model, RoundTrip.Randn(1, 3, 4), new OnnxExportOptions { OnWarning = w => Assert.Fail(w) });
        Assert.Empty(onnx.Warnings);
    }
}
