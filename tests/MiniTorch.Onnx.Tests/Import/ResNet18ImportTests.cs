using MiniTorch.Optim;

namespace MiniTorch.Onnx.Tests.Import;

/// <summary>
/// The ImageNet-pretrained ResNet-18 of NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (CNTK 2.6 export,
/// IR 3, opset 8, input [1, 3, 224, 224] → [1, 512, 1, 1]; asymmetric pads, count_include_pad = 0), imported once
/// for the class and checked against ONNX Runtime on the same file.
/// </summary>
public class ResNet18ImportTests
{
    private static readonly string ModelPath = Path.Combine(AppContext.BaseDirectory, "models", "ResNet18.onnx");
    private static readonly string PreprocessPath = Path.Combine(AppContext.BaseDirectory, "models", "ResNetPreprocess.onnx");
    private static readonly Lazy<OnnxGraphModule> Model = new(() => OnnxImporter.Import(ModelPath));

    [Fact]
    public void ForwardMatchesOnnxRuntimeOnTwoRandomImagesAtBatchTwo()
    {
        // The file fixes batch 1; the import follows any batch (dim 0).
        var images = Tensor.Rand([2, 3, 224, 224], generator: new Generator(11)) * 255.0;
        var report = OnnxCheck.Compare(Model.Value, ModelPath, images);
        Assert.Equal([2, 512, 1, 1], report.Outputs[0].ExpectedShape);
        Assert.True(report.MaxAbsoluteError <= 1e-3, report.Describe(1e-3, 0));
    }

    [Fact]
    public void NamesFollowTheNodesAndTheParameterCountIsResNet18s()
    {
        var model = Model.Value;
        var names = model.NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal("Convolution249.weight", names[0]);
        Assert.Contains("BatchNormalization251.weight", names);
        Assert.Contains("BatchNormalization251.running_mean", model.NamedBuffers().Select(b => b.Name));
        var graph = OnnxImporter.ReadModel(ModelPath).Graph;
        Assert.Equal(graph.Node.Count(n => n.OpType == "Conv"), model.Modules().Count(m => m is Conv2d));
        Assert.Equal(graph.Node.Count(n => n.OpType == "BatchNormalization"), model.Modules().Count(m => m is BatchNorm2d));
        Assert.Equal(0, model.Modules().Count(m => m is Linear));
        // Every weight of the file is a parameter except the BatchNorm statistics (inputs 3 and 4), which are buffers.
        var statistics = graph.Node.Where(n => n.OpType == "BatchNormalization").SelectMany(n => n.Input.Skip(3)).ToHashSet();
        long weights = graph.Initializer.Where(t => !statistics.Contains(t.Name)).Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d));
        Assert.Equal(weights, model.Parameters().Sum(p => (long)p.Numel));
        // This CNTK "ResNet-18" has 22 convolutions (its last stage has three basic blocks): 15.9M weights, not
        // torchvision's 11.2M (11.7M with the classifier).
        Assert.Equal(15_897_152, weights);
        Assert.Equal(2 * statistics.Count / 2, model.NamedBuffers().Count(b => b.Name.EndsWith("running_mean") || b.Name.EndsWith("running_var")));
    }

    [Fact]
    public void PreprocessingSplitSubConcatMatchesOnnxRuntime()
    {
        var prep = OnnxImporter.Import(PreprocessPath);
        var images = Tensor.Rand([2, 3, 224, 224], generator: new Generator(12)) * 255.0;
        var report = OnnxCheck.Compare(prep, PreprocessPath, images);
        Assert.True(report.MaxAbsoluteError <= 1e-4, report.Describe(1e-4, 0));
        // RGB → BGR, minus the mean image: channel 0 of the output is the input's channel 2 minus the mean's channel 0.
        var mean = prep.NamedParameters().Single().Parameter;
        var expected = images.Narrow(1, 2, 1) - mean.Narrow(1, 0, 1);
        using (Autograd.NoGrad())
        {
            Assert.Equal(expected.ToArray<float>(), prep.Call(images).Narrow(1, 0, 1).ToArray<float>());
        }
    }

    [Fact]
    public void FrozenBackboneStaysBitIdenticalWhileAHeadTrains()
    {
        var backbone = OnnxImporter.Import(ModelPath);
        backbone.Freeze();
        var before = backbone.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToDoubleArray());
        var head = new Linear(512, 3, generator: new Generator(5));
        var optimizer = new Sgd(head.Parameters(), lr: 1e-3);
        var images = Tensor.Rand([3, 3, 224, 224], generator: new Generator(13)) * 255.0;
        var labels = Tensor.FromArray([0L, 1, 2]);
        backbone.Train(); // frozen BatchNorms keep their running statistics even in training mode
        double first = 0, last = 0;
        for (int step = 0; step < 3; step++)
        {
            var loss = Functional.CrossEntropy(head.Call(backbone.Call(images).Flatten(1)), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            (first, last) = step == 0 ? (loss.Item(), loss.Item()) : (first, loss.Item());
        }
        Assert.True(last < first, $"the head did not learn: loss {first} → {last}");
        Assert.All(backbone.Parameters(), p => Assert.Null(p.Grad));
        foreach (var (name, tensor) in backbone.StateDict())
        {
            Assert.Equal(before[name], tensor.ToDoubleArray());
        }
    }
}
