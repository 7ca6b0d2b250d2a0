using System.Diagnostics;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Benchmarks;

/// <summary>What <see cref="MlpAllocationProbe.Run"/> measured over the timed steps (after warm-up).</summary>
/// <param name="Steps">Timed steps.</param>
/// <param name="BytesPerStepThisThread">Managed bytes allocated per step by the training thread.</param>
/// <param name="BytesPerStepAllThreads">Managed bytes allocated per step by the whole process (GEMM workers included).</param>
/// <param name="Gen0Collections">Gen-0 collections during the timed steps.</param>
/// <param name="Gen1Collections">Gen-1 collections during the timed steps.</param>
/// <param name="Gen2Collections">Gen-2 collections during the timed steps.</param>
/// <param name="MillisecondsPerStep">Mean wall time per step.</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set at the end of the run.</param>
/// <param name="FinalLoss">The loss of the last step (to check the run trained).</param>
public sealed record MlpAllocationResult(
    int Steps,
    double BytesPerStepThisThread,
    double BytesPerStepAllThreads,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double MillisecondsPerStep,
    long PeakWorkingSetBytes,
    double FinalLoss);

/// <summary>
/// Managed allocation of libtorch-baseline's <c>mlp_adam_step</c> (Linear(784,256)-ReLU-Linear(256,256)-ReLU-
/// Linear(256,10), cross-entropy, Adam(lr 1e-3), one fixed batch; a step is ZeroGrad, forward, backward, Step), each
/// step inside a <see cref="TensorScope"/> so tensor memory is pooled. Reusable by a JSON runner: call <see cref="Run"/>.
/// </summary>
public static class MlpAllocationProbe
{
    /// <summary>Trains for <paramref name="warmupSteps"/> + <paramref name="steps"/> steps and measures the last <paramref name="steps"/>.</summary>
    /// <param name="batch">Rows per batch (256 in the target).</param>
    /// <param name="warmupSteps">Untimed steps first (JIT, pool filling, optimizer state).</param>
    /// <param name="steps">Measured steps.</param>
    /// <param name="useScope">Run each step in a <see cref="TensorScope"/> (pooled) or not (every buffer left to the GC).</param>
    /// <param name="seed">Seed of the weights and the batch.</param>
    public static MlpAllocationResult Run(int batch = 256, int warmupSteps = 20, int steps = 1000, bool useScope = true, long seed = 0)
    {
        var g = new Generator(seed);
        var model = new Sequential(new Linear(784, 256, generator: g), new ReLU(), new Linear(256, 256, generator: g), new ReLU(), new Linear(256, 10, generator: g));
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        var lossFn = new CrossEntropyLoss();
        var x = Tensor.Randn([batch, 784], generator: g);
        var labels = new float[batch];
        for (int i = 0; i < batch; i++)
        {
            labels[i] = g.NextInt(10);
        }
        var y = Tensor.FromArray(labels);

        double loss = 0;
        for (int i = 0; i < warmupSteps; i++)
        {
            loss = Step(model, optimizer, lossFn, x, y, useScope);
        }
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        long thisThread = GC.GetAllocatedBytesForCurrentThread();
        long allThreads = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            loss = Step(model, optimizer, lossFn, x, y, useScope);
        }
        clock.Stop();
        long thisThreadBytes = GC.GetAllocatedBytesForCurrentThread() - thisThread;
        long allThreadsBytes = GC.GetTotalAllocatedBytes(precise: true) - allThreads;
        using var process = Process.GetCurrentProcess();
        return new MlpAllocationResult(
            steps,
            (double)thisThreadBytes / Math.Max(steps, 1),
            (double)allThreadsBytes / Math.Max(steps, 1),
            GC.CollectionCount(0) - gen0,
            GC.CollectionCount(1) - gen1,
            GC.CollectionCount(2) - gen2,
            clock.Elapsed.TotalMilliseconds / Math.Max(steps, 1),
            process.PeakWorkingSet64,
            loss);
    }

    /// <summary>One training step; the loss is read inside the scope, before its tensors are disposed.</summary>
    private static double Step(Module model, Optimizer optimizer, CrossEntropyLoss lossFn, Tensor x, Tensor y, bool useScope)
    {
        using var scope = useScope ? TensorScope.Enter() : null;
        optimizer.ZeroGrad();
        var loss = lossFn.Call(model.Call(x), y);
        loss.Backward();
        optimizer.Step();
        return loss.Item();
    }
}
