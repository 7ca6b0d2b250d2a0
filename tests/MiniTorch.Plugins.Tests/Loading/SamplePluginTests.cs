using MiniTorch.NN;
using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Loading;

/// <summary>The sample plugin, loaded from its built DLL and validated once for these tests.</summary>
public sealed class LoadedSamplePlugin : IDisposable
{
    public LoadedSamplePlugin() => Plugin = Host.Load(PluginFiles.Activations);

    public PluginHost Host { get; } = new();

    public LoadedPlugin Plugin { get; }

    public void Dispose() => Host.Dispose();
}

/// <summary>The sample plugin: what it registers, what its ops compute, and its validation.</summary>
public sealed class SamplePluginTests(LoadedSamplePlugin loaded) : IClassFixture<LoadedSamplePlugin>
{
    private readonly PluginHost _host = loaded.Host;
    private readonly LoadedPlugin _plugin = loaded.Plugin;

    [Fact]
    public void DeclaresItsNameVersionAndMiniTorchRange()
    {
        Assert.Equal("activations", _plugin.Name);
        Assert.Equal(new Version(1, 0, 0, 0), _plugin.Version);
        Assert.Equal("[0.1.0, 1.0.0)", _plugin.SupportedMiniTorchVersions.ToString());
        Assert.Equal(PluginFiles.Activations, _plugin.FilePath);
        Assert.True(_plugin.IsLoaded);
        Assert.Same(_plugin, Assert.Single(_host.Plugins));
        Assert.Equal($"activations 1.0.0 ({PluginFiles.Activations})", _plugin.ToString());
    }

    [Fact]
    public void ListsEveryOpAndModuleWithThePluginThatProvidedIt()
    {
        Assert.Equal(["linear_gelu", "mish", "silu", "softplus", "swish"], _host.Ops.List().Select(o => o.Name));
        Assert.All(_host.Ops.List(), o => Assert.Same(_plugin, o.Plugin));
        Assert.Equal(["LinearGelu", "Mish", "SiLU", "Softplus", "Swish"], _host.Modules.List().Select(m => m.Name));
        Assert.All(_host.Modules.List(), m => Assert.Same(_plugin, m.Plugin));
        var linearGelu = _host.Ops.Get("linear_gelu");
        Assert.Equal(["input", "weight", "bias"], linearGelu.Inputs);
        Assert.Equal("linear_gelu(input, weight, bias) from activations 1.0.0", linearGelu.ToString());
        Assert.Equal(new Dictionary<string, double> { ["beta"] = 1, ["threshold"] = 20 }, _host.Ops.Get("softplus").Attributes);
        Assert.Equal(["inFeatures", "outFeatures"], _host.Modules.List().Single(m => m.Name == "LinearGelu").RequiredAttributes);
    }

    [Fact]
    public void WasValidatedWhileLoadingAndPassedEveryCheck()
    {
        var report = Assert.IsType<OpCheckReport>(_plugin.Validation);
        Assert.True(report.Passed, report.ToString());
        // Every op ran all its checks on every sample; every module its two.
        Assert.Equal((6 * 2) + 6 + (6 * 2) + (6 * 2) + (7 * 3), report.Outcomes.Count(o => o.Target.StartsWith("op", StringComparison.Ordinal)));
        Assert.Equal(5 * 2, report.Outcomes.Count(o => o.Target.StartsWith("module", StringComparison.Ordinal)));
        Assert.Contains(report.Outcomes, o => o is { Target: "op 'softplus'", Test: OpCheckTest.GradGradCheck, Sample: 1, SampleDescription: "inputs [4, 4] with beta=2, threshold=1" });
    }

    [Theory]
    [InlineData("silu", 1.0, 0.7310585786300049)]
    [InlineData("silu", 0.0, 0.0)]
    [InlineData("mish", 1.0, 0.8650983882673103)]
    [InlineData("mish", -2.0, -0.2525014826957089)]
    [InlineData("softplus", 0.0, 0.6931471805599453)]
    [InlineData("softplus", -40.0, 4.248354255291589e-18)]
    [InlineData("softplus", 30.0, 30.0)]
    [InlineData("swish", 1.0, 0.7310585786300049)]
    public void OpsComputeTheirFormulas(string op, double x, double expected)
    {
        double y = _host.Ops.Invoke(op, Tensor.Scalar(x, DType.Float64)).Item();
        // Relative: softplus(−40) = e^−40 must keep full precision, where log(1 + e^−40) would round to 0.
        Assert.True(Math.Abs(y - expected) <= 1e-15 * Math.Abs(expected), $"{op}({x}) = {y:R}, expected {expected:R}");
    }

    [Fact]
    public void SoftplusFollowsPyTorchBetaAndThreshold()
    {
        var x = Tensor.FromArray(new double[] { 0.25, 0.5, 1.0 });
        var y = _host.Ops.Invoke("softplus", [x], new Dictionary<string, double> { ["beta"] = 2, ["threshold"] = 1 });
        // βx = 0.5 ≤ 1: log1p(e^0.5)/2; βx = 1 is not above the threshold either; βx = 2 > 1: x itself.
        Assert.Equal(0.48703849209005334, y.GetValue(0), 15);
        Assert.Equal(Math.Log(1 + Math.E) / 2, y.GetValue(1), 15);
        Assert.Equal(1.0, y.GetValue(2));
        var swish = _host.Ops.Invoke("swish", [Tensor.Scalar(1.0, DType.Float64)], new Dictionary<string, double> { ["beta"] = 2 });
        Assert.Equal(0.8807970779778823, swish.Item(), 15);
    }

    [Fact]
    public void LinearGeluEqualsLinearThenGeluAndHasTheSameGradients()
    {
        var g = new Generator(3);
        var x = Tensor.Randn([5, 4], DType.Float64, g, requiresGrad: true);
        var w = Tensor.Randn([3, 4], DType.Float64, g, requiresGrad: true);
        var b = Tensor.Randn([3], DType.Float64, g, requiresGrad: true);
        var fused = _host.Ops.Invoke("linear_gelu", x, w, b);
        var reference = Functional.Gelu(Tensor.Matmul(x, w.T) + b);
        Assert.True(fused.AllClose(reference, rtol: 1e-14, atol: 1e-15));
        Assert.Equal("LinearGeluBackward", fused.GradFn!.Name);
        var upstream = Tensor.Randn([5, 3], DType.Float64, g);
        var fusedGrads = Autograd.Grad([fused], [x, w, b], [upstream]);
        var referenceGrads = Autograd.Grad([reference], [x, w, b], [upstream]);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(fusedGrads[i]!.AllClose(referenceGrads[i]!, rtol: 1e-12, atol: 1e-14), $"gradient {i}");
        }
    }

    [Fact]
    public void ModulesAreCreatedByNameWithAttributes()
    {
        var layer = _host.Modules.Create("LinearGelu", new Dictionary<string, double> { ["inFeatures"] = 4, ["outFeatures"] = 2 });
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
        Assert.Equal([7, 2], layer.Call(Tensor.Zeros(7, 4)).Shape);
        Assert.Equal("LinearGelu(in_features=4, out_features=2)", layer.ToString());
        Assert.Equal("Softplus(beta=2, threshold=20)", _host.Modules.Create("Softplus", new Dictionary<string, double> { ["beta"] = 2 }).ToString());
        var e = Assert.Throws<ArgumentException>(() => _host.Modules.Create("LinearGelu", new Dictionary<string, double> { ["inFeatures"] = 4 }));
        Assert.Contains("Module 'LinearGelu' needs the attribute 'outFeatures'", e.Message);
        var input = Assert.Throws<ModuleInputException>(() => layer.Call(Tensor.Zeros(7, 5)));
        Assert.Contains("expected input of shape [*, 4], got [7, 5]", input.Message);
    }

    [Fact]
    public void PluginModuleTypesAreMiniTorchModules()
    {
        // One type identity: the plugin's module is a MiniTorch.NN.Module of the host, usable in a host Sequential.
        var model = new Sequential(new Linear(3, 4, generator: new Generator(1)), _host.Modules.Create("Mish"), new Linear(4, 2, generator: new Generator(2)));
        Assert.Equal([5, 2], model.Call(Tensor.Ones(5, 3)).Shape);
        Assert.Equal("Mish", model[1].GetType().Name);
        Assert.NotSame(typeof(Module).Assembly, model[1].GetType().Assembly);
    }
}
