namespace MiniTorch.Tests.Ops;

/// <summary>The fused tanh-approximated GELU against its composite: float32 output bit for bit, gradients within float32 rounding, derivatives by finite differences.</summary>
public class GeluTanhFusedTests
{
    private const double SqrtTwoOverPi = 0.79788456080286535587989211986876373695171726232987;

    private static Tensor Composite(Tensor x) => x * 0.5 * (((x + x * x * x * 0.044715) * SqrtTwoOverPi).Tanh() + 1);

    [Theory]
    [InlineData(999)]
    [InlineData(200_003)]
    public void Float32OutputIsTheCompositesBitsAndGradientAgrees(int n)
    {
        var x0 = Tensor.Randn([n], generator: new Generator(n)) * 3;
        var g = Tensor.Randn([n], generator: new Generator(2));
        var xf = x0.Detach().SetRequiresGrad();
        var xc = x0.Detach().SetRequiresGrad();
        var yf = xf.GeluTanhApproximation();
        var yc = Composite(xc);
        Assert.Equal(yc.ToFloatArray(), yf.ToFloatArray());
        yf.Backward(g);
        yc.Backward(g);
        var a = xf.Grad!.ToFloatArray();
        var e = xc.Grad!.ToFloatArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - e[i]) <= 4e-7 * (Math.Abs(e[i]) + Math.Abs(g.GetValue(i))), $"[{i}] x={x0.GetValue(i)}: {a[i]:R}, composite {e[i]:R}");
        }
    }

    [Fact]
    public void GradCheckGradGradCheckAndTangents()
    {
        var x = Tensor.FromArray(new[] { -4.0, -1.5, -0.2, 0.0, 0.3, 1.1, 2.7, 6.0 }, [2, 4], requiresGrad: true);
        Assert.True(GradCheck.Check(t => t[0].GeluTanhApproximation(), [x]));
        Assert.True(GradCheck.GradGradCheck(t => t[0].GeluTanhApproximation(), [x]));
        Assert.True(GradCheck.CheckForward(t => t[0].GeluTanhApproximation(), [x]));
        var nc = Tensor.FromArray(new[] { -1.0, 0.5, 2.0, -2.5, 0.1, 1.5 }, [2, 3]).T.Detach().SetRequiresGrad();
        Assert.Equal(Composite(nc.Detach()).ToDoubleArray(), nc.GeluTanhApproximation().ToDoubleArray());
        Assert.True(GradCheck.Check(t => t[0].GeluTanhApproximation(), [nc]));
        Assert.True(GradCheck.GradGradCheck(t => t[0].GeluTanhApproximation(), [nc]));
    }
}
