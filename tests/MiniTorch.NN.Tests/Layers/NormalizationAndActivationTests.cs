namespace MiniTorch.NN.Tests.Layers;

public class NormalizationAndActivationTests
{
    [Theory]
    [InlineData("layernorm_last")]
    [InlineData("layernorm_two")]
    public void LayerNormMatchesPyTorch(string name)
    {
        var c = Golden.Case("layers.json", name);
        var cfg = c.GetProperty("config");
        var ln = new LayerNorm(Golden.Ints(cfg.GetProperty("normalized_shape")), cfg.GetProperty("eps").GetDouble(), dtype: DType.Float64);
        ln.LoadStateDict(Golden.Params(c));
        var x = Golden.Tensor(c.GetProperty("input"), requiresGrad: true);
        var y = ln.Call(x);
        Check.Close(Golden.Tensor(c, "output"), y, what: "output");
        y.Backward(Golden.Tensor(c, "grad_output"));
        var grads = c.GetProperty("grads");
        Check.Close(Golden.Tensor(grads, "input"), x.Grad!, what: "input grad");
        Check.Close(Golden.Tensor(grads, "weight"), ln.Weight!.Grad!, what: "weight grad");
        Check.Close(Golden.Tensor(grads, "bias"), ln.Bias!.Grad!, what: "bias grad");
    }

    [Fact]
    public void LayerNormGradChecksAndErrors()
    {
        var ln = new LayerNorm([2, 3], dtype: DType.Float64);
        using (Autograd.NoGrad())
        {
            ln.Weight!.CopyFromInPlace(Tensor.Randn([2, 3], DType.Float64, new Generator(1)));
        }
        var x = Tensor.Randn([2, 2, 3], DType.Float64, new Generator(2), requiresGrad: true);
        Tensor[] inputs = [x, ln.Weight!, ln.Bias!];
        Assert.True(GradCheck.Check(t => ln.Call(t[0]), inputs));
        Assert.True(GradCheck.GradGradCheck(t => ln.Call(t[0]), inputs));
        var e = Assert.Throws<ModuleInputException>(() => new Sequential(new LayerNorm(4)).Call(Tensor.Zeros(2, 5)));
        Assert.Contains("0 (LayerNorm): expected input of shape [*, 4], got [2, 5]", e.Message);
        Assert.Null(new LayerNorm(3, elementwiseAffine: false).Weight);
        Assert.Null(new LayerNorm(3, bias: false).Bias);
    }

    [Theory]
    [InlineData("gelu_none", GeluApproximation.None)]
    [InlineData("gelu_tanh", GeluApproximation.Tanh)]
    public void GeluMatchesPyTorch(string name, GeluApproximation approximate)
    {
        var c = Golden.Case("layers.json", name);
        var x = Golden.Tensor(c.GetProperty("input"), requiresGrad: true);
        var y = new Gelu(approximate).Call(x);
        Check.Close(Golden.Tensor(c, "output"), y, 1e-15, 1e-14, "output");
        y.Backward(Golden.Tensor(c, "grad_output"));
        Check.Close(Golden.Tensor(c.GetProperty("grads"), "input"), x.Grad!, 1e-14, 1e-13, "input grad");
    }

    [Fact]
    public void EveryActivationPassesGradCheckAndGradGradCheck()
    {
        Module[] activations = [new Relu(), new LeakyRelu(0.2), new Tanh(), new Sigmoid(), new Gelu(), new Gelu(GeluApproximation.Tanh), new Softmax(1), new LogSoftmax(-1), new Flatten(0), new Identity()];
        // Away from 0, where ReLU's derivative jumps.
        var x = Tensor.FromArray(new[] { -1.3, 0.4, 2.1, -0.2, 0.9, -2.5 }, [2, 3], requiresGrad: true);
        foreach (var act in activations)
        {
            Assert.True(GradCheck.Check(t => act.Call(t[0]), [x]), act.ToString());
            Assert.True(GradCheck.GradGradCheck(t => act.Call(t[0]), [x]), act.ToString());
        }
    }

    [Fact]
    public void ActivationValues()
    {
        var x = Tensor.FromArray(new[] { -2.0, 0.0, 3.0 });
        Assert.Equal(new[] { 0.0, 0, 3 }, new Relu().Call(x).ToDoubleArray());
        Assert.Equal(new[] { -0.2, 0, 3 }, new LeakyRelu(0.1).Call(x).ToDoubleArray());
        Check.Close(new[] { Math.Tanh(-2), 0, Math.Tanh(3) }, new Tanh().Call(x), 1e-15);
        Check.Close(new[] { 1 / (1 + Math.Exp(2)), 0.5, 1 / (1 + Math.Exp(-3)) }, new Sigmoid().Call(x), 1e-15);
        var s = new Softmax(0).Call(x).ToDoubleArray();
        Assert.Equal(1.0, s.Sum(), 12);
        Check.Close(s.Select(v => Math.Log(v)).ToArray(), new LogSoftmax(0).Call(x), 1e-12);
        var e = Assert.Throws<ModuleInputException>(() => new Softmax(1).Call(x));
        Assert.Contains("Softmax: dim=1 needs an input with at least 2 dimensions, got shape [3]", e.Message);
        Assert.Equal("GELU(approximate='tanh')", new Gelu(GeluApproximation.Tanh).ToString());
    }

    [Fact]
    public void ActivationsPrintPyTorchsTypeNamesThoughTheClassesUseDotNetCasing()
    {
        // nn.ReLU is Relu in .NET casing (docs/design.md, Names); printing keeps PyTorch's layout, names included.
        Assert.Equal("Sequential(\n  (0): ReLU()\n  (1): LeakyReLU(negative_slope=0.2)\n  (2): GELU(approximate='none')\n)",
            new Sequential(new Relu(), new LeakyRelu(0.2), new Gelu()).ToString());
    }
}
