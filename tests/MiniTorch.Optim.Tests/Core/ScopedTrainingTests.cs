using MiniTorch.NN;

namespace MiniTorch.Optim.Tests.Core;

/// <summary>
/// Training steps inside a <see cref="TensorScope"/>: parameters, gradients and optimizer state survive, results are
/// bit-identical to unscoped training, and a steady-state step allocates almost nothing.
/// </summary>
public class ScopedTrainingTests
{
    private sealed record Setup(Sequential Model, Adam Optimizer, CrossEntropyLoss Loss, Tensor X, Tensor Y);

    private static Setup Mlp(int batch, int inFeatures, int hidden, long seed)
    {
        var g = new Generator(seed);
        var model = new Sequential(new Linear(inFeatures, hidden, generator: g), new Relu(), new Linear(hidden, hidden, generator: g), new Relu(), new Linear(hidden, 10, generator: g));
        var x = Tensor.Randn([batch, inFeatures], generator: g);
        var labels = new long[batch];
        for (int i = 0; i < batch; i++)
        {
            labels[i] = g.NextInt(10);
        }
        return new Setup(model, new Adam(model.Parameters(), lr: 1e-3), new CrossEntropyLoss(), x, Tensor.FromArray(labels));
    }

    private static double Step(Setup s, bool scoped)
    {
        using var scope = scoped ? TensorScope.Enter() : null;
        s.Optimizer.ZeroGrad();
        var loss = s.Loss.Call(s.Model.Call(s.X), s.Y);
        loss.Backward();
        s.Optimizer.Step();
        return loss.Item();
    }

    [Fact]
    public void ScopedTrainingIsBitIdenticalToUnscoped()
    {
        var plain = Mlp(32, 20, 16, seed: 7);
        var pooled = Mlp(32, 20, 16, seed: 7);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(Step(plain, scoped: false), Step(pooled, scoped: true));
        }
        var a = plain.Model.Parameters().ToList();
        var b = pooled.Model.Parameters().ToList();
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].ToFloatArray(), b[i].ToFloatArray());
            Assert.Equal(a[i].Grad!.ToFloatArray(), b[i].Grad!.ToFloatArray());
        }
    }

    [Fact]
    public void GradientsAndOptimizerStateSurviveTheStepScope()
    {
        var s = Mlp(8, 6, 5, seed: 3);
        Step(s, scoped: true);
        Step(s, scoped: true);
        foreach (var p in s.Model.Parameters())
        {
            Assert.False(p.IsDisposed);
            Assert.False(p.Grad!.IsDisposed);
            var state = s.Optimizer.GetState(p)!;
            Assert.Equal(2, state.Step);
            Assert.All(state.Buffers.Values, buffer => Assert.False(buffer.IsDisposed));
        }
    }

    [Fact]
    public void ZeroGradInAScopeDisposesTheDroppedGradientsAtItsEnd()
    {
        var s = Mlp(8, 6, 5, seed: 4);
        Step(s, scoped: false);
        var old = s.Model.Parameters().Select(p => p.Grad!).ToList();
        using (TensorScope.Enter())
        {
            s.Optimizer.ZeroGrad();
            Assert.All(old, g => Assert.False(g.IsDisposed)); // still readable until the scope ends
        }
        Assert.All(old, g => Assert.True(g.IsDisposed));
        Assert.All(s.Model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void ModelBuiltInsideAScopeOutlivesIt()
    {
        BatchNorm1d norm;
        Linear linear;
        using (TensorScope.Enter())
        {
            norm = new BatchNorm1d(4);
            linear = new Linear(3, 4);
            norm.Call(linear.Call(Tensor.Randn([5, 3], generator: new Generator(1)))).Sum().Backward();
        }
        Assert.False(norm.RunningMean!.IsDisposed);
        Assert.False(linear.Weight.IsDisposed);
        Assert.False(linear.Weight.Grad!.IsDisposed);
        Assert.Equal([2, 4], norm.Call(linear.Call(Tensor.Ones(2, 3))).Shape);
    }

    /// <summary>
    /// The workload (batch 256, 784-256-256-10, Adam). The bound is generous (the bench runner's memory figures report
    /// the exact figure, about 45 KB); without the scope a step allocates about 9.5 MB. Only this thread's bytes are
    /// counted: the parallel GEMM's worker threads and other tests in the process do not disturb the figure.
    /// </summary>
    [Fact]
    public void SteadyStateMlpStepAllocatesUnder256KiB()
    {
        var s = Mlp(256, 784, 256, seed: 0);
        for (int i = 0; i < 5; i++)
        {
            Step(s, scoped: true);
        }
        const int steps = 10;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++)
        {
            Step(s, scoped: true);
        }
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
        Assert.True(perStep < 256 * 1024, $"a steady-state scoped MLP step allocated {perStep} bytes");
    }
}
