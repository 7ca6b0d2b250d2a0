namespace MiniTorch.Optim.Tests.Core;

/// <summary>
/// ZeroGrad gives a dropped gradient back to the pool at once when only MiniTorch read it (the built-in optimizers'
/// updates and ZeroGrad itself read gradients inside <see cref="Autograd.BorrowGradients"/>); a gradient that user
/// code read, or that a user-written optimizer read, is left to the GC and keeps its values through later steps.
/// </summary>
[Collection(UnscopedTrainingCollection.Name)]
public class MemoryReuseZeroGradTests
{
    private const int N = 64; // [64, 64] float32: 16 KiB, above MemoryReuse.MinTrackedBytes

    [Fact]
    public void AGradientOnlyTheBuiltInOptimizerRead_GoesBackToThePoolAtZeroGrad()
    {
        var w = Weight();
        var optimizer = new Adam([w], lr: 1e-2);
        for (int i = 0; i < 3; i++)
        {
            Step(optimizer, w, i);
        }
        Tensor borrowed;
        using (Autograd.BorrowGradients())
        {
            borrowed = w.Grad!;
        }
        optimizer.ZeroGrad();
        Assert.Null(w.Grad);
        Assert.True(borrowed.IsDisposed);
    }

    [Fact]
    public void AGradientTheUserRead_KeepsItsValuesThroughZeroGradAndLaterSteps()
    {
        var w = Weight();
        var optimizer = new Sgd([w], lr: 1e-2, momentum: 0.9);
        Step(optimizer, w, 0);
        var logged = w.Grad!; // as a loop that logs gradient norms after the step
        var expected = logged.ToDoubleArray();
        for (int i = 1; i < 5; i++)
        {
            Step(optimizer, w, i);
        }
        Assert.False(logged.IsDisposed);
        Assert.Equal(expected, logged.ToDoubleArray());
    }

    [Fact]
    public void AUserOptimizerThatKeepsGradients_FindsThemIntact()
    {
        var w = Weight();
        var optimizer = new KeepingSgd([w]);
        for (int i = 0; i < 5; i++)
        {
            Step(optimizer, w, i);
        }
        Assert.Equal(5, optimizer.Kept.Count);
        foreach (var (grad, values) in optimizer.Kept)
        {
            Assert.False(grad.IsDisposed);
            Assert.Equal(values, grad.ToDoubleArray());
        }
    }

    private static Tensor Weight() => Tensor.Randn([N, N], generator: new Generator(3), requiresGrad: true);

    // The PyTorch loop; gradients of one length every step, so a wrongly recycled array is handed out again.
    private static void Step(Optimizer optimizer, Tensor w, int seed)
    {
        optimizer.ZeroGrad();
        (Tensor.Randn([N, N], generator: new Generator(100 + seed)).Matmul(w).Tanh() * 1.5).Sum().Backward();
        optimizer.Step();
    }

    /// <summary>Plain SGD that keeps every gradient it reads (with a copy of its values), as a user's optimizer may.</summary>
    private sealed class KeepingSgd(IEnumerable<Tensor> parameters) : Optimizer(parameters, new Dictionary<string, double> { ["Lr"] = 1e-2 })
    {
        public List<(Tensor Grad, double[] Values)> Kept { get; } = [];

        protected override void ValidateGroup(ParamGroup group)
        {
        }

        protected override void Update(ParamGroup group)
        {
            foreach (var p in group.Params)
            {
                if (p.Grad is { } grad)
                {
                    Kept.Add((grad, grad.ToDoubleArray()));
                    p.AddInPlace(grad, -group.Lr);
                }
            }
        }
    }
}
