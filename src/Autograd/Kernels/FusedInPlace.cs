using System.Numerics;
using System.Numerics.Tensors;

namespace MiniTorch.Kernels;

/// <summary>
/// Fused in-place updates over contiguous spans: the inner loops of optimizer steps. Intermediate products
/// go through a small stack buffer in chunks, so an update of any size allocates nothing.
/// </summary>
/// <remarks>
/// Each formula rounds as PyTorch's CPU kernels do: <c>add_(x, alpha)</c> and <c>addcmul_</c> end in a fused
/// multiply-add (<c>vec::fmadd</c>, or a contracted <c>a + b·c</c>), <c>addcdiv_</c> in a division then an add.
/// With that, optimizer trajectories recorded from PyTorch 1.13 are reproduced bit for bit.
/// </remarks>
internal static class FusedInPlace
{
    // Big enough to amortise the per-call overhead of TensorPrimitives, small enough for the stack.
    private const int Chunk = 512;

    /// <summary>d ← d + alpha·x, rounded once (PyTorch's <c>add_(x, alpha=alpha)</c>).</summary>
    public static void AddScaled<T>(Span<T> d, ReadOnlySpan<T> x, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.FusedMultiplyAdd(x, alpha, d, d);

    /// <summary>d ← d + (value·a)·b, the last multiply and add rounded once (PyTorch's <c>addcmul_</c>).</summary>
    public static void Addcmul<T>(Span<T> d, ReadOnlySpan<T> a, ReadOnlySpan<T> b, T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> buffer = stackalloc T[Chunk];
        for (int i = 0; i < d.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, d.Length - i);
            var t = buffer[..n];
            var di = d.Slice(i, n);
            TensorPrimitives.Multiply(a.Slice(i, n), value, t);
            TensorPrimitives.FusedMultiplyAdd(t, b.Slice(i, n), di, di);
        }
    }

    /// <summary>d ← d + (value·a)/b (PyTorch's <c>addcdiv_</c>).</summary>
    public static void Addcdiv<T>(Span<T> d, ReadOnlySpan<T> a, ReadOnlySpan<T> b, T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> buffer = stackalloc T[Chunk];
        for (int i = 0; i < d.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, d.Length - i);
            var t = buffer[..n];
            var di = d.Slice(i, n);
            TensorPrimitives.Multiply(a.Slice(i, n), value, t);
            TensorPrimitives.Divide(t, b.Slice(i, n), t);
            TensorPrimitives.Add(di, t, di);
        }
    }
}
