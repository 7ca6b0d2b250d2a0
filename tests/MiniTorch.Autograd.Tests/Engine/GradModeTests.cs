namespace MiniTorch.Tests.Engine;

public class GradModeTests
{
    [Fact]
    public void NoGradRecordsNothingAndRestores()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        Assert.True(Autograd.IsGradEnabled);
        using (Autograd.NoGrad())
        {
            var y = x * 2;
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFn);
            Assert.False(Autograd.IsGradEnabled);
        }
        Assert.True(Autograd.IsGradEnabled);
        Assert.True((x * 2).RequiresGrad);
    }

    [Fact]
    public void ScopesNestAndEnableGradReenables()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        using (Autograd.NoGrad())
        {
            using (Autograd.NoGrad())
            {
                Assert.False(Autograd.IsGradEnabled);
            }
            Assert.False(Autograd.IsGradEnabled);
            using (Autograd.EnableGrad())
            {
                Assert.True((x * 2).RequiresGrad);
            }
            Assert.False((x * 2).RequiresGrad);
        }
        Assert.True(Autograd.IsGradEnabled);
    }

    /// <summary>
    /// PyTorch: a no_grad scope "will not affect computation in other threads". The mode belongs to the async flow
    /// (see GradModeAsyncTests), so a thread that was already running is unaffected, while a thread started inside the
    /// scope inherits it with the rest of the ExecutionContext (as CultureInfo.CurrentCulture does).
    /// </summary>
    [Fact]
    public void GradModeDoesNotAffectOtherThreads()
    {
        using var scopeOpen = new ManualResetEventSlim();
        bool other = false;
        var running = new Thread(() =>
        {
            scopeOpen.Wait();
            other = Autograd.IsGradEnabled;
        });
        running.Start();
        using (Autograd.NoGrad())
        {
            scopeOpen.Set();
            running.Join();
            Assert.True(other);
            Assert.False(Autograd.IsGradEnabled);

            bool inherited = true;
            var startedInside = new Thread(() => inherited = Autograd.IsGradEnabled);
            startedInside.Start();
            startedInside.Join();
            Assert.False(inherited);
        }
    }

    [Fact]
    public void AutogradGradReturnsGradientsWithoutTouchingGrad()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var w = Tensor.FromArray(new[] { 3.0, 4.0 }, requiresGrad: true);
        var y = (x * w).Sum();
        var grads = Autograd.Grad([y], [x, w]);
        Assert.Equal(new[] { 3.0, 4.0 }, grads[0]!.ToDoubleArray());
        Assert.Equal(new[] { 1.0, 2.0 }, grads[1]!.ToDoubleArray());
        Assert.Null(x.Grad);
        Assert.Null(w.Grad);
    }

    [Fact]
    public void AutogradGradWithRespectToNonLeafGivesItsGradient()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var h = x * x;
        var y = (h * 3).Sum();
        var g = Autograd.Grad(y, h);
        Assert.Equal(new[] { 3.0, 3.0 }, g.ToDoubleArray());
    }

    [Fact]
    public void AutogradGradUnusedInputThrowsUnlessAllowed()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var unused = Tensor.Ones([2], requiresGrad: true);
        var y = x.Sum();
        var e = Assert.Throws<AutogradException>(() => Autograd.Grad([y], [x, unused], retainGraph: true));
        Assert.Contains("appears to not have been used in the graph", e.Message);
        var grads = Autograd.Grad([y], [x, unused], allowUnused: true);
        Assert.NotNull(grads[0]);
        Assert.Null(grads[1]);
    }

    [Fact]
    public void AutogradGradOnInputThatDoesNotRequireGradThrows()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var c = Tensor.Ones([2]);
        var e = Assert.Throws<AutogradException>(() => Autograd.Grad([(x * c).Sum()], [c]));
        Assert.Contains("does not require grad", e.Message);
    }
}
