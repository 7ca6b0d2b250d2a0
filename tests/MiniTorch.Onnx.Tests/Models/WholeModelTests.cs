using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Models;

/// <summary>
/// Whole models after a few training steps (so weights and BatchNorm statistics are not their initial values):
/// an MLP, a small CNN for 8×8 digit images, and a transfer-learning model (frozen backbone, trained head).
/// </summary>
public class WholeModelTests
{
    private static Sequential BuildMlp() => new(
        new Linear(64, 32, generator: new Generator(1)), new Relu(), new Dropout(0.2),
        new Linear(32, 16, generator: new Generator(2)), new Gelu(),
        new Linear(16, 10, generator: new Generator(3)));

    private static Sequential BuildCnn() => new(
        new Conv2d(1, 8, 3, padding: 1, generator: new Generator(4)), new BatchNorm2d(8), new Relu(), new MaxPool2d(2),
        new Conv2d(8, 16, 3, padding: 1, generator: new Generator(5)), new BatchNorm2d(16), new Relu(), new AvgPool2d(2),
        new Flatten(),
        new Linear(16 * 2 * 2, 10, generator: new Generator(6)));

    private static Tensor Images(int batch) => RoundTrip.Randn(batch + 50, batch, 1, 8, 8);

    private static Tensor Labels(int batch) => Tensor.FromArray(Enumerable.Range(0, batch).Select(i => (long)(i % 10)).ToArray());

    [Fact]
    public void MultilayerPerceptron()
    {
        var model = BuildMlp();
        Train(model, RoundTrip.Randn(60, 32, 64), Labels(32));
        var onnx = RoundTrip.Check(model, b => RoundTrip.Randn(b + 70, b, 64));
        Assert.Equal(["Gemm", "Relu", "Gemm", "Gelu", "Gemm"], RoundTrip.OpTypes(onnx));
        Assert.Equal(6, onnx.Proto.Graph.Initializer.Count);
    }

    [Fact]
    public void SmallCnn()
    {
        var model = BuildCnn();
        Train(model, Images(32), Labels(32));
        var onnx = RoundTrip.Check(model, Images, traced: 4, atol: 1e-4);
        Assert.Equal(["Conv", "BatchNormalization", "Relu", "MaxPool", "Conv", "BatchNormalization", "Relu", "AveragePool", "Reshape", "Gemm"], RoundTrip.OpTypes(onnx));
        // The exported logits classify a large batch exactly as MiniTorch does.
        var batch = Images(256);
        model.Eval();
        var expected = model.Call(batch).ArgMax(1);
        using var session = new OnnxRuntimeSession(onnx);
        Assert.Equal(expected.ToFloatArray(), session.Run(batch)[0].ArgMax(1).ToFloatArray());
    }

    [Fact]
    public void TransferLearningFrozenBackboneAndTrainedHead()
    {
        var backbone = BuildCnn();
        Train(backbone, Images(32), Labels(32));
        var model = new Sequential();
        model.Add("backbone", new Sequential([.. backbone.Children().Take(9)]));
        model.Add("head", new Sequential(new Dropout(0.3), new Linear(64, 3, generator: new Generator(7))));
        model.GetSubmodule("backbone").Freeze();
        var frozen = model.GetSubmodule("backbone").StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToFloatArray());
        Train(model, Images(24), Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (long)(i % 3)).ToArray()));

        var warnings = new List<string>();
        var onnx = RoundTrip.Check(model, Images, atol: 1e-4, options: new OnnxExportOptions { OnWarning = warnings.Add });
        // Only the head's Dropout is mode-dependent: the frozen BatchNorms use their running statistics in training too.
        Assert.Contains("'head.0' (Dropout)", Assert.Single(warnings));
        Assert.DoesNotContain("(BatchNorm2d)", warnings[0]);
        Assert.Contains("backbone.0.weight", onnx.Proto.Graph.Initializer.Select(t => t.Name));
        Assert.Contains("head.1.weight", onnx.Proto.Graph.Initializer.Select(t => t.Name));
        Assert.All(frozen, kv => Assert.Equal(kv.Value, model.GetSubmodule("backbone").StateDict()[kv.Key].ToFloatArray()));
    }

    [Fact]
    public void Float64Mlp()
    {
        var model = new Sequential(new Linear(64, 32, generator: new Generator(1)), new Tanh(), new Linear(32, 10, generator: new Generator(2)));
        model.To(DType.Float64);
        var onnx = RoundTrip.Check(model, b => RoundTrip.Randn(b + 80, b, 64).To(DType.Float64), atol: 1e-12, rtol: 1e-10);
        Assert.Equal(11, onnx.Proto.Graph.Initializer[0].DataType); // DOUBLE
    }

    [Fact]
    public void AnOpOnnxRuntimeCannotRunIsReportedWithItsReason()
    {
        // The model is valid ONNX; ONNX Runtime's CPU provider has no float64 Erf (inside GELU), and says so.
        var model = BuildMlp();
        model.To(DType.Float64);
        var onnx = OnnxExporter.Export(model, RoundTrip.Randn(1, 2, 64).To(DType.Float64), new OnnxExportOptions { OnWarning = _ => { } });
        var error = Assert.Throws<OnnxExportException>(() => new OnnxRuntimeSession(onnx));
        Assert.Contains("ONNX Runtime rejected the exported model", error.Message);
        Assert.Contains("Erf", error.Message);
    }

    /// <summary>A few steps of plain SGD on cross-entropy, in training mode (BatchNorm statistics move).</summary>
    private static void Train(Module model, Tensor inputs, Tensor labels)
    {
        model.Train();
        var loss = new CrossEntropyLoss();
        for (int step = 0; step < 3; step++)
        {
            model.ZeroGrad();
            loss.Call(model.Call(inputs), labels).Backward();
            using (Autograd.NoGrad())
            {
                foreach (var p in model.Parameters().Where(p => p.Grad is not null))
                {
                    p.AddInPlace(p.Grad!, alpha: -0.1);
                }
            }
        }
    }
}
