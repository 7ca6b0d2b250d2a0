namespace MiniTorch.Tests.Core;

/// <summary>
/// A leaf's gradient set to null goes back to the pool at once when no user code can hold it (GradientRecycling):
/// it was made by backward and read only inside <see cref="Autograd.BorrowGradients"/>. Each safety case keeps a
/// gradient that user code can reach, drops it from the leaf, runs more passes whose gradients have the same length
/// (a recycled array would be handed out again and overwritten), and checks the kept values: an early release shows as
/// a disposed tensor or a changed value.
/// </summary>
public partial class MemoryReuseTests
{
    [Fact]
    public void ADroppedGradientReadOnlyInABorrowRegion_GoesBackToThePool()
    {
        using var settings = new Settings(reuse: true, thresholdBytes: long.MaxValue);
        var w = Weight();
        Loss(w, 1).Backward();
        Tensor borrowed;
        using (Autograd.BorrowGradients())
        {
            borrowed = w.Grad!;
        }
        long before = GradientRecycling.RecycledBytes;
        w.Grad = null;
        Assert.True(borrowed.IsDisposed);
        Assert.Equal(N * N * sizeof(float), GradientRecycling.RecycledBytes - before);
    }

    [Fact]
    public void RecyclingDroppedGradients_LeavesTheGradientsBitIdentical()
    {
        double[][] Run(bool reuse)
        {
            using var settings = new Settings(reuse, thresholdBytes: long.MaxValue);
            long before = GradientRecycling.RecycledBytes;
            var w = Weight();
            var grads = new double[6][];
            for (int i = 0; i < grads.Length; i++)
            {
                w.Grad = null;
                Loss(w, 10 + i).Backward();
                using (Autograd.BorrowGradients())
                {
                    grads[i] = w.Grad!.ToDoubleArray();
                    using (Autograd.NoGrad())
                    {
                        w.SubInPlace(w.Grad! * 0.01); // the gradient feeds the next step, as an optimizer's would
                    }
                }
            }
            Assert.Equal(reuse ? 5L * N * N * sizeof(float) : 0, GradientRecycling.RecycledBytes - before);
            return grads;
        }
        Assert.Equal(Run(reuse: false), Run(reuse: true));
    }

    [Fact]
    public void AGradientReadThroughGrad_IsNotRecycledWhenDropped()
    {
        var w = Weight();
        Loss(w, 1).Backward();
        var kept = w.Grad!; // the user's reference, as `g = p.grad` in PyTorch
        AssertIntactAfterChurn(w, kept, kept.ToDoubleArray());
    }

    [Fact]
    public void AGradientReadByAPostAccumulateHook_IsNotRecycledWhenDropped()
    {
        var w = Weight();
        Tensor? kept = null;
        w.RegisterPostAccumulateGradHook(leaf => kept ??= leaf.Grad); // the first pass's only: the churn's stay private
        Loss(w, 1).Backward();
        AssertIntactAfterChurn(w, kept!, kept!.ToDoubleArray());
    }

    [Fact]
    public void AViewOfAGradientReadThroughGrad_IsNotRecycledWhenDropped()
    {
        var w = Weight();
        Loss(w, 1).Backward();
        var view = w.Grad!.Transpose(0, 1);
        AssertIntactAfterChurn(w, view, view.ToDoubleArray());
    }

    [Fact]
    public void AnAssignedGradient_IsNotRecycledWhenDropped()
    {
        var w = Weight();
        Loss(w, 1).Backward(); // a private gradient first, replaced by the user's own tensor
        var mine = Tensor.Randn([N, N], generator: new Generator(5));
        w.Grad = mine;
        AssertIntactAfterChurn(w, mine, mine.ToDoubleArray());
    }

    [Fact]
    public void WithReuseOff_ADroppedGradientIsLeftToTheCollector()
    {
        using var settings = new Settings(reuse: false, thresholdBytes: long.MaxValue);
        var w = Weight();
        Loss(w, 1).Backward();
        Tensor borrowed;
        using (Autograd.BorrowGradients())
        {
            borrowed = w.Grad!;
        }
        w.Grad = null;
        Assert.False(borrowed.IsDisposed);
    }

    private static Tensor Weight() => Tensor.Randn([N, N], generator: new Generator(99), requiresGrad: true);

    private static Tensor Loss(Tensor w, int seed) => (Input(seed).Matmul(w).Tanh() * 1.5).Sum();

    /// <summary>Drops <paramref name="w"/>'s gradient, then runs passes that rent and drop gradients of its length.</summary>
    private static void AssertIntactAfterChurn(Tensor w, Tensor kept, double[] expected)
    {
        using var settings = new Settings(reuse: true, thresholdBytes: long.MaxValue);
        long before = GradientRecycling.RecycledBytes;
        w.Grad = null;
        for (int i = 0; i < 4; i++)
        {
            Loss(w, 200 + i).Backward();
            using (Autograd.BorrowGradients())
            {
                _ = w.Grad; // as an optimizer reads it
            }
            w.Grad = null;
        }
        // The churn's own gradients were recycled, so a wrongly recycled array would have been handed out again.
        Assert.True(GradientRecycling.RecycledBytes - before >= 3L * N * N * sizeof(float));
        Assert.False(kept.IsDisposed);
        Assert.Equal(expected, kept.ToDoubleArray());
    }
}
