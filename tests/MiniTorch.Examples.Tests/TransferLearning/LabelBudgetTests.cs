using TransferLearning;

namespace MiniTorch.Examples.Tests.TransferLearning;

/// <summary>
/// The label-budget comparison with small settings: the ImageNet ResNet-18 imported from the NuGet package's ONNX file,
/// its features of a few digits, heads on them and on the digits backbone, and the CNN from scratch.
/// </summary>
[Collection(SmallTransferRunCollection.Name)]
public class LabelBudgetTests(SmallTransferRun run)
{
    /// <summary>2 and 4 labelled images per class, 4 held-out images per class: 40 images through ResNet-18.</summary>
    private static readonly TransferSettings Small = SmallTransferRun.Settings with
    {
        LabelBudgets = [2, 4], BudgetTestPerClass = 4, HeadEpochs = 30, ScratchEpochs = 15, RuntimeSample = 2, BatchSize = 10,
    };

    [Fact]
    public void EveryMethodLearnsAboveChanceAndTheImportedBackboneMatchesOnnxRuntime()
    {
        var backbone = run.Result.FrozenModel.GetSubmodule("backbone");
        var before = backbone.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToDoubleArray());
        var result = LabelBudgetExperiment.Run(Small, backbone);

        Assert.Equal([2, 4], result.Budgets);
        Assert.Equal(5 * 4, result.TestImages);
        Assert.Equal(3 * 2, result.Points.Count);
        Assert.Equal([20 + 20, 512], result.ImageNet.Features.Shape);
        // The same file in ONNX Runtime gives the same features (float32, 22 convolutions deep).
        Assert.InRange(result.ImageNet.MaxAbsErrorVsOnnxRuntime, 0, 1e-3);
        Assert.True(result.ImageNet.MiniTorchImagesPerSecond > 0 && result.ImageNet.OnnxRuntimeImagesPerSecond > 0);
        Assert.Equal(15_897_152, result.ImageNet.ParameterCount);
        // Floors, not an order: chance is 0.2 on five classes.
        foreach (var point in result.Points)
        {
            Assert.True(point.TestAccuracy >= 0.4, $"{point.Method} with {point.LabelsPerClass} labels per class: {point.TestAccuracy}");
        }
        // Method (b) reads the digits backbone but does not change it.
        Assert.All(before, kv => Assert.Equal(kv.Value, backbone.StateDict()[kv.Key].ToDoubleArray()));
    }

    [Fact]
    public void ModelInputIsTheDigitUpscaledBilinearlyInThreeEqualChannels()
    {
        // A constant image stays constant (the interpolation weights of each output pixel sum to 1), at 0–255.
        var constant = ImageNetFeatures.ToModelInput(Tensor.Full([1, 1, 8, 8], 0.5));
        Assert.Equal([1, 3, 224, 224], constant.Shape);
        Assert.All(constant.ToArray<float>(), v => Assert.Equal(127.5f, v, 3));
        // A horizontal ramp 0..7 stays a ramp: left edge = first pixel, right edge = last pixel, monotone between.
        var ramp = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 8) / 7).ToArray(), [1, 1, 8, 8]);
        var row = ImageNetFeatures.ToModelInput(ramp).Select(1, 2).Select(0, 0).Select(0, 100).ToArray<float>();
        Assert.Equal(0f, row[0], 3);
        Assert.Equal(255f, row[^1], 3);
        for (int i = 1; i < row.Length; i++)
        {
            Assert.True(row[i] >= row[i - 1], $"not monotone at {i}");
        }
    }
}
