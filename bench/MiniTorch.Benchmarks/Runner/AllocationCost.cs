using System.Numerics.Tensors;

namespace MiniTorch.Benchmarks.Runner;

/// <summary>
/// What a fresh 16 MiB output costs, apart from the op that fills it: the elementwise_4M cases allocate one per call.
/// A large array lands on the large-object heap; the first write to each of its pages may fault the page in
/// (when the GC has decommitted the memory since), and the LOH budget drives gen-2 collections.
/// </summary>
internal static class AllocationCost
{
    public const int Length = 4 << 20;

    /// <summary>(allocation only, allocation then a write of every element, a write into one reused array).</summary>
    public static (Stats Alloc, Stats AllocWrite, Stats ReusedWrite) Measure()
    {
        float[]? keep = null;
        var alloc = Timing.Time(() => keep = GC.AllocateUninitializedArray<float>(Length));
        var allocWrite = Timing.Time(() =>
        {
            keep = GC.AllocateUninitializedArray<float>(Length);
            TensorPrimitives.Add(keep, 1f, keep);
        });
        var reused = new float[Length];
        var reusedWrite = Timing.Time(() => TensorPrimitives.Add(reused, 1f, reused));
        GC.KeepAlive(keep);
        return (alloc, allocWrite, reusedWrite);
    }
}
