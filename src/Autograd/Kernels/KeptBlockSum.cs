using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// A sum over a leading and a trailing block of dims around a kept middle block, [outer, kept, inner] → [kept] (a
/// convolution's bias gradient over (N, H, W), BatchNorm's statistics), without the permuted copy the general path
/// makes: for each kept index the terms x[o, c, i] are fed to the cascade sum in the same order as the copy would hold
/// them (o-major), so results are bit-identical to it. Vector loads must not straddle two runs, so the inner block's
/// length has to be a multiple of the vector width; other shapes return false and take the general path.
/// </summary>
internal static class KeptBlockSum
{
    /// <summary>Below this many elements per output the outputs are not split over threads.</summary>
    private const int MinParallelElements = 1 << 15;

    public static bool TrySum(Tensor x, bool[] reduced, Tensor result)
    {
        // Classify the dims of size > 1 as reduced or kept; the pattern must be R+ K+ R+.
        int outer = 1, kept = 1, inner = 1;
        int phase = 0; // 0: leading reduced, 1: kept, 2: trailing reduced
        for (int d = 0; d < x.Rank; d++)
        {
            int n = x.ShapeArray[d];
            if (n == 1)
            {
                continue;
            }
            if (reduced[d])
            {
                if (phase == 1)
                {
                    phase = 2;
                }
                if (phase == 0)
                {
                    outer *= n;
                }
                else
                {
                    inner *= n;
                }
            }
            else
            {
                if (phase == 2)
                {
                    return false;
                }
                phase = 1;
                kept *= n;
            }
        }
        int width = Vector512.IsHardwareAccelerated ? 64 / (x.DType == DType.Float32 ? 4 : 8) : 32 / (x.DType == DType.Float32 ? 4 : 8);
        // An empty reduced dim (outer == 0, e.g. a batch of none) leaves nothing to sum: the general path writes the zeros.
        if (phase != 2 || outer <= 1 || inner % width != 0 || !x.IsContiguous)
        {
            return false;
        }
        if (x.DType == DType.Float32)
        {
            Run(x.Data<float>(), x.Offset, result.Data<float>(), result.Offset, outer, kept, inner);
        }
        else
        {
            Run(x.Data<double>(), x.Offset, result.Data<double>(), result.Offset, outer, kept, inner);
        }
        return true;
    }

    private static void Run<T>(T[] src, int offset, T[] dst, int dstOffset, int outer, int kept, int inner)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = new Job<T>(src, offset, dst, dstOffset, outer, kept, inner);
        long perOutput = (long)outer * inner;
        int tasks = Parallelism.MaxThreads > 1 && perOutput * kept >= MinParallelElements ? Math.Min(kept, 4 * Parallelism.MaxThreads) : 1;
        job.Tasks = tasks;
        // One task runs inline on this thread (ParallelRunner.Run does that itself).
        ParallelRunner.Run(job, tasks, Parallelism.MaxThreads);
    }

    private sealed class Job<T>(T[] src, int offset, T[] dst, int dstOffset, int outer, int kept, int inner) : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public int Tasks = 1;

        public void Execute(int index)
        {
            int from = (int)((long)kept * index / Tasks);
            int to = (int)((long)kept * (index + 1) / Tasks);
            for (int c = from; c < to; c++)
            {
                var term = new RunsTerm<T>(src.AsSpan(offset + c * inner), inner, kept * inner);
                dst[dstOffset + c] = CascadeSum.Sum<T, RunsTerm<T>>(term, outer * inner);
            }
        }
    }

    /// <summary>Term i = x[o·stride + j] with o = i / run, j = i mod run: runs of <c>run</c> contiguous values, <c>stride</c> apart.</summary>
    private readonly ref struct RunsTerm<T>(ReadOnlySpan<T> x, int run, int stride) : ISumTerm<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _x = x;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private nuint At(int i)
        {
            int o = i / run;
            return (nuint)(o * stride + (i - o * run));
        }

        public Vector512<T> Load512(int i) => Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_x), At(i));

        public Vector256<T> Load256(int i) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_x), At(i));

        public T Load(int i) => Unsafe.Add(ref MemoryMarshal.GetReference(_x), At(i));
    }
}
