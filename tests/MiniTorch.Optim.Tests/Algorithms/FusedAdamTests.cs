namespace MiniTorch.Optim.Tests.Algorithms;

/// <summary>
/// Adam and AdamW update contiguous parameters with one fused kernel (split over cores for large tensors) and the rest
/// with the unfused ops; both must give bit-identical parameters, so the fused path keeps matching PyTorch's trajectories.
/// </summary>
public class FusedAdamTests
{
    [Theory]
    [InlineData(DType.Float32, 7, 5, false)]
    [InlineData(DType.Float32, 300, 301, false)]   // 90,300 elements: above the parallel split threshold
    [InlineData(DType.Float64, 300, 301, false)]
    [InlineData(DType.Float32, 300, 301, true)]
    [InlineData(DType.Float64, 33, 9, true)]
    public void FusedUpdateIsBitIdenticalToTheUnfusedOps(DType dtype, int rows, int cols, bool decoupled)
    {
        var g = new Generator(5);
        var init = Tensor.Randn([rows, cols], dtype, g);
        // A transposed (non-contiguous) leaf cannot take the fused kernel, so it runs the unfused ops.
        var fused = init.Clone().SetRequiresGrad();
        var unfused = init.T.Contiguous().T.SetRequiresGrad();
        Assert.True(fused.IsContiguous);
        Assert.False(unfused.IsContiguous);
        Optimizer Make(Tensor p) => decoupled
            ? new AdamW([p], lr: 0.01, weightDecay: 0.1)
            : new Adam([p], lr: 0.01, weightDecay: 0.05);
        var fusedOptimizer = Make(fused);
        var unfusedOptimizer = Make(unfused);
        for (int step = 0; step < 5; step++)
        {
            var grad = Tensor.Randn([rows, cols], dtype, g);
            fused.Grad = grad.Clone();
            unfused.Grad = grad.Clone();
            fusedOptimizer.Step();
            unfusedOptimizer.Step();
            Assert.Equal(unfused.ToDoubleArray(), fused.ToDoubleArray());
        }
        Assert.NotEqual(init.ToDoubleArray(), fused.ToDoubleArray());
    }

    [Fact]
    public void FusedUpdateBumpsTheVersionsSoAStaleSavedParameterIsCaught()
    {
        var p = Tensor.Randn([4, 3], DType.Float64, new Generator(1)).SetRequiresGrad();
        var optimizer = new Adam([p], lr: 0.1);
        var y = (p * p).Sum();      // saves p for backward
        p.Grad = Tensor.OnesLike(p);
        int before = p.Version;
        optimizer.Step();
        Assert.True(p.Version > before);
        Assert.Throws<AutogradException>(() => y.Backward());
    }
}
