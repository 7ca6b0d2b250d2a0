using System.Text.Json;

namespace MiniTorch.NN.Tests.Layers;

public class Conv2dTests
{
    private static Conv2d FromGolden(JsonElement c)
    {
        var cfg = c.GetProperty("config");
        var conv = new Conv2d(cfg.GetProperty("cin").GetInt32(), cfg.GetProperty("cout").GetInt32(), Golden.Pair(cfg.GetProperty("k")),
            Golden.Pair(cfg.GetProperty("s")), Golden.Pair(cfg.GetProperty("p")), Golden.Pair(cfg.GetProperty("d")),
            bias: cfg.GetProperty("bias").GetBoolean(), dtype: DType.Float64);
        conv.LoadStateDict(Golden.Params(c));
        return conv;
    }

    [Theory]
    [InlineData("conv2d_0")]
    [InlineData("conv2d_1")]
    [InlineData("conv2d_2")]
    [InlineData("conv2d_3")]
    public void ForwardAndBackwardMatchPyTorch(string name)
    {
        var c = Golden.Case("layers.json", name);
        var conv = FromGolden(c);
        var x = Golden.Tensor(c.GetProperty("input"), requiresGrad: true);
        var y = conv.Call(x);
        Check.Close(Golden.Tensor(c, "output"), y, what: $"{name} output");
        y.Backward(Golden.Tensor(c, "grad_output"));
        var grads = c.GetProperty("grads");
        Check.Close(Golden.Tensor(grads, "input"), x.Grad!, what: $"{name} input grad");
        Check.Close(Golden.Tensor(grads, "weight"), conv.Weight.Grad!, what: $"{name} weight grad");
        if (conv.Bias is { } bias)
        {
            Check.Close(Golden.Tensor(grads, "bias"), bias.Grad!, what: $"{name} bias grad");
        }
    }

    [Fact]
    public void UnfoldMatchesPyTorch()
    {
        var c = Golden.Case("layers.json", "unfold");
        var cfg = c.GetProperty("config");
        var x = Golden.Tensor(c.GetProperty("input"));
        var cols = x.Im2Col(Golden.Pair(cfg.GetProperty("k")).ToTuple(), Golden.Pair(cfg.GetProperty("s")).ToTuple(),
            Golden.Pair(cfg.GetProperty("p")).ToTuple(), Golden.Pair(cfg.GetProperty("d")).ToTuple());
        Check.Close(Golden.Tensor(c, "output"), cols, 0, 0, "unfold");
    }

    [Fact]
    public void GradCheckAndGradGradCheckOverInputWeightAndBias()
    {
        var conv = new Conv2d(2, 2, (2, 3), stride: (2, 1), padding: (1, 1), dilation: (1, 2), dtype: DType.Float64, generator: new Generator(5));
        var x = Tensor.Randn([1, 2, 4, 5], DType.Float64, new Generator(6), requiresGrad: true);
        Tensor[] inputs = [x, conv.Weight, conv.Bias!];
        Assert.True(GradCheck.Check(t => conv.Call(t[0]), inputs));
        Assert.True(GradCheck.GradGradCheck(t => conv.Call(t[0]), inputs));
    }

    [Fact]
    public void UnbatchedInputGivesUnbatchedOutput()
    {
        var conv = new Conv2d(3, 4, 3, padding: 1, generator: new Generator(1));
        var x = Tensor.Randn([3, 5, 5], generator: new Generator(2));
        var y = conv.Call(x);
        Assert.Equal([4, 5, 5], y.Shape);
        Check.Close(conv.Call(x.Unsqueeze(0)).Squeeze(0), y, 0, 0);
    }

    [Fact]
    public void DefaultInitialisationHasPyTorchBounds()
    {
        // kaiming_uniform(a=√5) gives U(±1/√fan_in) for the weight, and the bias uses the same bound.
        var conv = new Conv2d(4, 8, 3, generator: new Generator(3));
        double bound = 1 / Math.Sqrt(4 * 3 * 3);
        var w = conv.Weight.ToDoubleArray();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.9 * bound && w.Min() < -0.9 * bound, "weights should spread over the whole interval");
        Assert.All(conv.Bias!.ToDoubleArray(), v => Assert.InRange(v, -bound, bound));
        var again = new Conv2d(4, 8, 3, generator: new Generator(3));
        Assert.Equal(w, again.Weight.ToDoubleArray());
    }

    [Fact]
    public void WrongInputNamesModuleAndShapes()
    {
        var model = new Sequential().Add("backbone", new Sequential(new Conv2d(3, 8, 3)));
        var e = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.Zeros(2, 1, 8, 8)));
        Assert.Equal("backbone.0 (Conv2d)", e.Module);
        Assert.Contains("backbone.0 (Conv2d): expected input of shape (N, 3, H, W), got [2, 1, 8, 8]", e.Message);
        Assert.Contains("1 channels; the layer expects 3", e.Message);
        var rank = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.Zeros(8, 8)));
        Assert.Contains("expected input of shape (N, 3, H, W) or (3, H, W), got [8, 8]", rank.Message);
        var small = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.Zeros(1, 3, 2, 2)));
        Assert.Contains("backbone.0 (Conv2d): input of shape [1, 3, 2, 2] is too small: the padded input is 2 x 2, smaller than the dilated kernel 3 x 3", small.Message);
        var dtype = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.Zeros([1, 3, 4, 4], DType.Float64)));
        Assert.Contains("input dtype Float64 does not match the module's parameters (Float32)", dtype.Message);
    }

    [Fact]
    public void InvalidConstructionIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(0, 1, 3));
        var stride = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(1, 1, 3, stride: 0));
        Assert.Contains("Conv2d: stride must be at least 1", stride.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(1, 1, 3, padding: -1));
        Assert.Equal("Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)", new Conv2d(1, 2, 3, padding: 1, bias: false).ToString());
    }

    [Fact]
    public void FunctionalConvErrorsNameShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Functional.Conv2d(Tensor.Zeros(1, 2, 4, 4), Tensor.Zeros(3, 1, 2, 2)));
        Assert.Contains("expected input [1, 2, 4, 4] to have 1 channels, but got 2 channels", e.Message);
        var b = Assert.Throws<ArgumentException>(() => Functional.Conv2d(Tensor.Zeros(1, 1, 4, 4), Tensor.Zeros(3, 1, 2, 2), Tensor.Zeros(2)));
        Assert.Contains("expected bias to be 1-dimensional with 3 elements, but got bias of size [2]", b.Message);
    }

    [Fact]
    public void GroupedLayerHasPyTorchShapesBoundsReprAndChecks()
    {
        // Depthwise with a channel multiplier of 2: weight (8, 4 / 4, 3, 3), fan_in = (4 / 4)·3·3 as in PyTorch.
        var conv = new Conv2d(4, 8, 3, padding: 1, groups: 4, generator: new Generator(7));
        Assert.Equal([8, 1, 3, 3], conv.Weight.Shape);
        double bound = 1 / Math.Sqrt(9);
        Assert.All(conv.Bias!.ToDoubleArray(), v => Assert.InRange(v, -bound, bound));
        Assert.True(conv.Bias!.ToDoubleArray().Max() > 0.5 * bound, "the bias bound should use fan_in = (C_in / groups)·kh·kw");
        Assert.Equal("Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=4)", conv.ToString());
        var x = Tensor.Randn([2, 4, 5, 5], generator: new Generator(8));
        // Output channels 2g and 2g + 1 see only input channel g.
        var y = conv.Call(x);
        var alone = Functional.Conv2d(x.Narrow(1, 1, 1), conv.Weight.Narrow(0, 2, 2), conv.Bias!.Narrow(0, 2, 2), padding: 1);
        Check.Close(alone, y.Narrow(1, 2, 2), 1e-6, 1e-5);
        var inGroups = Assert.Throws<ArgumentException>(() => new Conv2d(3, 6, 3, groups: 2));
        Assert.Contains("Conv2d: inChannels must be divisible by groups, got inChannels=3 and groups=2", inGroups.Message);
        var outGroups = Assert.Throws<ArgumentException>(() => new Conv2d(4, 6, 3, groups: 4));
        Assert.Contains("Conv2d: outChannels must be divisible by groups, got outChannels=6 and groups=4", outGroups.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(4, 4, 3, groups: 0));
    }
}
