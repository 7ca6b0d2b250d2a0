namespace MiniTorch.Tests.Engine;

public class HookTests
{
    [Fact]
    public void HookSeesGradientAndCanReplaceIt()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        Tensor? seen = null;
        using (x.RegisterHook(g => { seen = g; return g * 10; }))
        {
            (x * 3).Sum().Backward();
        }
        Assert.Equal(new[] { 3.0, 3.0 }, seen!.ToDoubleArray());
        Assert.Equal(new[] { 30.0, 30.0 }, x.Grad!.ToDoubleArray());
        x.Grad = null;
        (x * 3).Sum().Backward(); // the hook was removed by Dispose
        Assert.Equal(new[] { 3.0, 3.0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void HookOnNonLeafChangesWhatFlowsUpstream()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var h = x * 2;
        h.RegisterHook(g => Tensor.ZerosLike(g));
        (h * h).Sum().Backward();
        Assert.Equal(new[] { 0.0, 0.0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void HookReturningWrongShapeIsRejected()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        x.RegisterHook(_ => Tensor.Ones([3]));
        var e = Assert.Throws<AutogradException>(() => (x * 2).Sum().Backward());
        Assert.Contains("[3]", e.Message);
    }

    [Fact]
    public void HookOnTensorWithoutGradThrows()
    {
        var e = Assert.Throws<AutogradException>(() => Tensor.Ones([2]).RegisterHook(g => g));
        Assert.Contains("doesn't require gradient", e.Message);
    }

    [Fact]
    public void RetainGradFillsNonLeafGrad()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var h = x * x;
        var other = x * 3;
        h.RetainGrad();
        (h * 5 + other).Sum().Backward();
        Assert.True(h.RetainsGrad);
        Assert.Equal(new[] { 5.0, 5.0 }, h.Grad!.ToDoubleArray());
        Assert.Null(other.Grad); // PyTorch leaves non-leaf grads empty unless retained
        Assert.Equal(new[] { 13.0, 23.0 }, x.Grad!.ToDoubleArray());
    }
}
