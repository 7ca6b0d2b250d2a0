using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Registry;

/// <summary>Calling ops by name: the errors of a call, the wrapping of a plugin's own failures, and the listing.</summary>
public sealed class OpRegistryTests : IDisposable
{
    private readonly PluginHost _host = new();

    public OpRegistryTests() => _host.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });

    public void Dispose() => _host.Dispose();

    [Fact]
    public void AnUnknownOpNamesTheLoadedOnes()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => _host.Ops.Invoke("gelu", Tensor.Zeros(2)));
        Assert.Equal("No loaded plugin provides an op named 'gelu'; loaded ops: linear_gelu, mish, silu, softplus, swish.", e.Message);
        Assert.False(_host.Ops.Contains("gelu"));
        Assert.True(_host.Ops.Contains("mish"));
        Assert.Throws<KeyNotFoundException>(() => _host.Ops.Get("gelu"));
    }

    [Fact]
    public void TheNumberOfInputsIsChecked()
    {
        var e = Assert.Throws<ArgumentException>(() => _host.Ops.Invoke("linear_gelu", Tensor.Zeros(2, 3), Tensor.Zeros(4, 3)));
        Assert.StartsWith("Op 'linear_gelu' takes 3 input(s) (input, weight, bias), got 2.", e.Message);
    }

    [Fact]
    public void AnUnknownAttributeIsRejectedNotIgnored()
    {
        var e = Assert.Throws<ArgumentException>(() => _host.Ops.Invoke("softplus", [Tensor.Zeros(2)], new Dictionary<string, double> { ["treshold"] = 5 }));
        Assert.StartsWith("Op 'softplus' has no attribute 'treshold'; its attributes are: beta, threshold.", e.Message);
        var none = Assert.Throws<ArgumentException>(() => _host.Ops.Invoke("mish", [Tensor.Zeros(2)], new Dictionary<string, double> { ["beta"] = 1 }));
        Assert.StartsWith("Op 'mish' has no attribute 'beta'; its attributes are: (none).", none.Message);
    }

    [Fact]
    public void AFailureInsideThePluginNamesTheOpThePluginAndItsFile()
    {
        var e = Assert.Throws<PluginOpException>(() => _host.Ops.Invoke("linear_gelu", Tensor.Zeros(2, 3), Tensor.Zeros(4, 5), Tensor.Zeros(4)));
        Assert.Equal("linear_gelu", e.OpName);
        Assert.Equal("activations", e.Plugin.Name);
        Assert.IsType<ArgumentException>(e.InnerException);
        Assert.Equal(
            $"Op 'linear_gelu' from plugin 'activations' 1.0.0 ({PluginFiles.Activations}) failed: linear_gelu: expected input [*, in_features], weight [out_features, in_features] and bias [out_features]; got input [2, 3], weight [4, 5], bias [4].",
            e.Message);
    }

    [Fact]
    public void OpsRecordTheirGraphLikeBuiltInOps()
    {
        var x = Tensor.FromArray(new double[] { -1, 0, 2 }, requiresGrad: true);
        var y = _host.Ops.Invoke("silu", x);
        Assert.Equal("SiluBackward", y.GradFn!.Name);
        y.Sum().Backward();
        // d/dx x·σ(x) = σ(x)(1 + x(1 − σ(x))): at 0 it is 1/2.
        double s(double v) => 1 / (1 + Math.Exp(-v));
        Assert.Equal([s(-1) * (1 - (1 - s(-1))), 0.5, s(2) * (1 + (2 * (1 - s(2))))], x.Grad!.ToDoubleArray(), new ToleranceComparer(1e-15));
        using (Autograd.NoGrad())
        {
            var z = _host.Ops.Invoke("silu", x);
            Assert.False(z.RequiresGrad);
            Assert.Null(z.GradFn);
        }
    }

    [Fact]
    public void InvocationsAreCounted()
    {
        var x = Tensor.Zeros(2);
        for (int i = 0; i < 3; i++)
        {
            _host.Ops.Invoke("mish", x);
        }
        Assert.Equal(3, _host.Ops.Get("mish").InvocationCount);
        Assert.Equal(0, _host.Ops.Get("swish").InvocationCount);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
