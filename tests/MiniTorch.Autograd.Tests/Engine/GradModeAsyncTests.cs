namespace MiniTorch.Tests.Engine;

/// <summary>
/// Grad mode and forward AD levels flow with the async context: a scope held across an await stays in force after it
/// on whichever thread resumes, and does not leak into unrelated thread-pool work (regression: with a per-thread mode,
/// 140 of 400 later work items ran with grad disabled, and the scope was lost after the await).
/// </summary>
public class GradModeAsyncTests
{
    private const int Holders = 64;
    private const int Probes = 400;

    /// <summary>Runs <see cref="Probes"/> unrelated work items on the thread pool; returns how many saw grad disabled.</summary>
    private static async Task<int> CountProbesWithGradDisabled()
    {
        var probes = new Task<bool>[Probes];
        for (int i = 0; i < Probes; i++)
        {
            // Started without any scope of ours in the flow: each must see the default mode.
            probes[i] = Task.Run(async () =>
            {
                await Task.Yield();
                return !Autograd.IsGradEnabled || (Tensor.Ones([1], requiresGrad: true) * 2).GradFn is null;
            });
        }
        int disabled = 0;
        foreach (var probe in probes)
        {
            disabled += await probe ? 1 : 0;
        }
        return disabled;
    }

    [Fact]
    public async Task NoGradHeldAcrossAwaitStaysInForceAndDoesNotLeakIntoOtherWork()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allParked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int toPark = Holders;
        var holders = new Task<(bool BeforeAwait, bool AfterAwait, bool Recorded)>[Holders];
        for (int i = 0; i < Holders; i++)
        {
            holders[i] = Task.Run(async () =>
            {
                await Task.Yield();
                using (Autograd.NoGrad())
                {
                    bool before = Autograd.IsGradEnabled;
                    if (Interlocked.Decrement(ref toPark) == 0)
                    {
                        allParked.SetResult();
                    }
                    await gate.Task;     // resumes on some thread-pool thread
                    await Task.Yield();  // and again, likely on another
                    return (before, Autograd.IsGradEnabled, (x * 2).GradFn is not null);
                }
            });
        }
        await allParked.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Every holder is suspended inside its scope: the threads they left run other work with grad enabled.
        Assert.Equal(0, await CountProbesWithGradDisabled());

        gate.SetResult();
        foreach (var holder in holders)
        {
            var (before, after, recorded) = await holder;
            Assert.False(before);
            Assert.False(after);
            Assert.False(recorded);
        }
        // The scopes were disposed on the threads the holders resumed on: nothing stays behind anywhere.
        Assert.Equal(0, await CountProbesWithGradDisabled());
        Assert.True(Autograd.IsGradEnabled);
    }

    [Fact]
    public async Task NestedScopesAcrossAwaitsRestoreInOrder()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        using (Autograd.NoGrad())
        {
            await Task.Yield();
            Assert.False(Autograd.IsGradEnabled);
            using (Autograd.EnableGrad())
            {
                await Task.Yield();
                Assert.True(Autograd.IsGradEnabled);
                Assert.NotNull((x * 2).GradFn);
                using (Autograd.SetGradEnabled(false))
                {
                    await Task.Delay(1);
                    Assert.Null((x * 2).GradFn);
                }
                await Task.Yield();
                Assert.True(Autograd.IsGradEnabled);
            }
            await Task.Yield();
            Assert.False(Autograd.IsGradEnabled);
            Assert.Null((x * 2).GradFn);
        }
        await Task.Yield();
        Assert.True(Autograd.IsGradEnabled);
    }

    [Fact]
    public async Task AnAsyncMethodsScopeStaysWithItAfterItReturnsToItsCaller()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<bool> HoldNoGrad()
        {
            using (Autograd.NoGrad())
            {
                await gate.Task;
                return Autograd.IsGradEnabled;
            }
        }
        var pending = HoldNoGrad(); // runs synchronously up to its await, on this thread
        Assert.True(Autograd.IsGradEnabled);
        gate.SetResult();
        Assert.False(await pending);
        Assert.True(Autograd.IsGradEnabled);
    }

    [Fact]
    public async Task ABackwardInsideAnAwaitedNoGradScopeDoesNotChangeTheScopesMode()
    {
        var w = Tensor.FromArray(new[] { 2.0, 3.0 }, requiresGrad: true);
        var loss = (w * w).Sum();
        using (Autograd.NoGrad())
        {
            await Task.Yield();
            loss.Backward(); // the engine's per-node grad mode is synchronous and restores the scope's
            Assert.False(Autograd.IsGradEnabled);
            await Task.Yield();
            Assert.False(Autograd.IsGradEnabled);
        }
        Assert.Equal(new[] { 4.0, 6.0 }, w.Grad!.ToDoubleArray());
    }

    [Fact]
    public async Task AForwardAdLevelHeldAcrossAwaitStaysCurrentAndDoesNotLeak()
    {
        var primal = Tensor.FromArray(new[] { 1.0, 2.0 });
        var tangent = Tensor.FromArray(new[] { 1.0, 0.5 });
        using (var level = ForwardAD.Enter())
        {
            await Task.Yield();
            Assert.Same(level, ForwardAD.CurrentLevel);
            var dual = ForwardAD.MakeDual(primal, tangent);
            await Task.Delay(1);
            var (_, jvp) = ForwardAD.Unpack(dual * dual);
            Assert.Equal(new[] { 2.0, 2.0 }, jvp!.ToDoubleArray()); // d(x²) · v = 2x · v

            // Work started inside the level inherits it; work started outside its flow does not see it.
            Assert.True(await Task.Run(() => ForwardAD.IsActive));
            var probes = new Task<bool>[Probes];
            using (ExecutionContext.SuppressFlow())
            {
                for (int i = 0; i < Probes; i++)
                {
                    probes[i] = Task.Run(() => ForwardAD.IsActive);
                }
            }
            foreach (var probe in probes)
            {
                Assert.False(await probe);
            }
        }
        await Task.Yield();
        Assert.Null(ForwardAD.CurrentLevel);
    }
}
