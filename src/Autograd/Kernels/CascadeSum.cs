using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// The values a cascade sum adds up: element i of one span, the product of two, or a scaled square. The loads are
/// unchecked: <see cref="CascadeSum"/> asks only for indices below the length it was given.
/// </summary>
internal interface ISumTerm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Terms i … i + Count − 1 as one vector.</summary>
    Vector512<T> Load512(int i);

    /// <summary>Terms i … i + Count − 1 as one vector.</summary>
    Vector256<T> Load256(int i);

    /// <summary>Term i.</summary>
    T Load(int i);
}

/// <summary>The elements of one span.</summary>
internal readonly ref struct ValueTerm<T>(ReadOnlySpan<T> x) : ISumTerm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _x = x;

    public Vector512<T> Load512(int i) => Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)i);

    public Vector256<T> Load256(int i) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)i);

    public T Load(int i) => _x[i];
}

/// <summary>The products x[i]·y[i] of two spans of one length (a dot product).</summary>
internal readonly ref struct ProductTerm<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) : ISumTerm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _x = x;
    private readonly ReadOnlySpan<T> _y = y;

    public Vector512<T> Load512(int i) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)i) * Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_y), (nuint)i);

    public Vector256<T> Load256(int i) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)i) * Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_y), (nuint)i);

    public T Load(int i) => _x[i] * _y[i];
}

/// <summary>The squares (x[i]·s)² of one span scaled by a power of two s (an exact scaling), for norms that would overflow or underflow.</summary>
internal readonly ref struct ScaledSquareTerm<T>(ReadOnlySpan<T> x, T scale) : ISumTerm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _x = x;
    private readonly T _scale = scale;

    public Vector512<T> Load512(int i)
    {
        var v = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)i) * _scale;
        return v * v;
    }

    public Vector256<T> Load256(int i)
    {
        var v = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)i) * _scale;
        return v * v;
    }

    public T Load(int i)
    {
        var v = _x[i] * _scale;
        return v * v;
    }
}

/// <summary>
/// Accurate sums of n terms (PyTorch's cascade summation, in the pairwise form). The terms are cut into blocks; each
/// block is added in four vector accumulators, so each lane adds at most <see cref="StepsPerLane"/> terms, and the block
/// sums are then added pairwise: a binary counter keeps at level k the sum of 2^k consecutive blocks and merges equal
/// levels as it goes, without recursion. The rounding error is at most about (16 + 2 + log₂ n) · u · Σ|termᵢ| (u the unit
/// roundoff), against n · u · Σ|termᵢ| for a running sum: 10⁷ float32 terms of 0.1 sum to 1,000,000.0 where a
/// running sum of vector lanes gives 1,010,791.75. The speed is that of the plain vector loop: the extra work is one
/// horizontal add and a few scalar adds per block.
/// </summary>
internal static partial class CascadeSum
{
    /// <summary>The most terms a lane of an accumulator adds within one block.</summary>
    private const int StepsPerLane = 16;

    /// <summary>The number of terms in a block: four accumulators of the widest accelerated vector, 16 steps each.</summary>
    public static int BlockLength<T>() where T : unmanaged =>
        4 * StepsPerLane * (Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256<T>.Count);

    /// <summary>The sum of terms 0 … n − 1.</summary>
    public static T Sum<T, TTerm>(scoped in TTerm term, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTerm : ISumTerm<T>, allows ref struct
    {
        var counter = new Counter<T>();
        AddBlocks(ref counter, term, 0, n);
        return counter.Total();
    }

    /// <summary>Adds the blocks of terms [start, end) to <paramref name="counter"/>, at level 0, in order.</summary>
    public static void AddBlocks<T, TTerm>(ref Counter<T> counter, scoped in TTerm term, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTerm : ISumTerm<T>, allows ref struct
    {
        int block = BlockLength<T>();
        for (int b = start; b < end; b += block)
        {
            counter.Push(BlockSum<T, TTerm>(term, b, Math.Min(block, end - b)), 0);
        }
    }

    /// <summary>The sum of terms [start, start + n), n at most one block, in four vector accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T BlockSum<T, TTerm>(scoped in TTerm term, int start, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTerm : ISumTerm<T>, allows ref struct
    {
        int end = start + n;
        int i = start;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated)
        {
            int w = Vector512<T>.Count;
            Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i <= end - 4 * w; i += 4 * w)
            {
                a0 += term.Load512(i);
                a1 += term.Load512(i + w);
                a2 += term.Load512(i + 2 * w);
                a3 += term.Load512(i + 3 * w);
            }
            for (; i <= end - w; i += w)
            {
                a0 += term.Load512(i);
            }
            sum = Vector512.Sum((a0 + a1) + (a2 + a3));
        }
        else
        {
            int w = Vector256<T>.Count;
            Vector256<T> a0 = Vector256<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i <= end - 4 * w; i += 4 * w)
            {
                a0 += term.Load256(i);
                a1 += term.Load256(i + w);
                a2 += term.Load256(i + 2 * w);
                a3 += term.Load256(i + 3 * w);
            }
            for (; i <= end - w; i += w)
            {
                a0 += term.Load256(i);
            }
            sum = Vector256.Sum((a0 + a1) + (a2 + a3));
        }
        T tail = T.Zero;
        for (; i < end; i++)
        {
            tail += term.Load(i);
        }
        return sum + tail;
    }

    /// <summary>
    /// The pairwise part: level k holds the sum of 2^k consecutive blocks. Pushing a sum at level k (that of 2^k blocks,
    /// when the count so far is a multiple of 2^k) merges it with the equal levels below, as adding 2^k to a binary
    /// counter carries. Pushing the sums of whole aligned chunks computed elsewhere therefore gives bit for bit the
    /// result of pushing their blocks one by one, which keeps a sum split over threads identical to the serial one.
    /// </summary>
    internal struct Counter<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private Levels _levels;
        private long _count;

        /// <summary>Adds the sum of 2^<paramref name="level"/> blocks.</summary>
        public void Push(T sum, int level)
        {
            Span<T> levels = _levels;
            long c = _count >> level;
            int k = level;
            while ((c & 1) != 0)
            {
                sum = levels[k] + sum; // the earlier blocks on the left, as in a left-to-right sum
                c >>= 1;
                k++;
            }
            levels[k] = sum;
            _count += 1L << level;
        }

        /// <summary>The sum of everything pushed: the pending levels from the latest (lowest) to the earliest.</summary>
        public readonly T Total()
        {
            ReadOnlySpan<T> levels = _levels;
            T total = T.Zero;
            bool any = false;
            for (int k = 0; k < 63 && (_count >> k) != 0; k++)
            {
                if (((_count >> k) & 1) != 0)
                {
                    total = any ? levels[k] + total : levels[k];
                    any = true;
                }
            }
            return total;
        }

        [InlineArray(64)]
        private struct Levels
        {
            private T _first;
        }
    }
}
