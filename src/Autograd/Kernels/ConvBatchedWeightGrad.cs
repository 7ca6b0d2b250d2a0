using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// The weight gradient of a one-group convolution whose columns <see cref="ConvShiftedPlanes{T}"/> reads from the image
/// (unit strides, output rows as wide as the input's), for a part of the batch on the calling thread: dwᵀ (k × O) =
/// Σ over the samples of columns (k × P) · gyᵀ (P × O), the columns' A blocks packed straight from a copy of the
/// samples' planes instead of each sample's column matrix being unfolded (k × P, 0.3 MB for 32 channels on 16×16,
/// with its padded edges cleared) and read back by the packing: a fifth of the weight gradient's time on 32→64 channels.
/// </summary>
/// <remarks>
/// Each sample's product runs <see cref="Gemm.Multiply{T}"/>'s blocks in its order (column panels, then the K blocks
/// of <see cref="Gemm.BlockSizes{T}"/>, then row blocks), each block's sum from zero added into dwᵀ by the same macro-
/// and micro-kernels (stored by the first sample's first block): bit-identical to the per-sample products of
/// <see cref="ConvKernel.WeightGradSamples{T}"/>. A sample's positions are a whole number of vectors, so every K block
/// (a step of <see cref="Gemm.BlockSizes{T}"/>, a whole number of vectors, or the rest of P) is too.
/// </remarks>
internal sealed unsafe class ConvBatchedWeightGrad<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static ConvBatchedWeightGrad<T>? t_instance;

    private readonly ConvShiftedPlanes<T> _planes = new();
    private ConvGeometry _g;

    /// <summary>The calling thread's instance, which its parts read from other threads during one call.</summary>
    public static ConvBatchedWeightGrad<T> ForThisThread => t_instance ??= new ConvBatchedWeightGrad<T>();

    /// <summary>Turned off by tests and the A/B harness to run the per-sample products instead.</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether this path computes the weight gradient of <paramref name="g"/> (bit-identically to the per-sample
    /// products): one row or one column of the product (k = 1, O = 1) goes to <see cref="Gemv"/> there instead.
    /// </summary>
    public static bool Applies(ConvGeometry g) =>
        Enabled && g.N > 0 && g.GroupK > 1 && g.OutChannels > 1 && g.Positions > 1 && ConvShiftedPlanes<T>.Applies(g)
        && g.Positions % Gemm.VectorCount<T>() == 0;

    /// <summary>Sets the geometry and makes the tables every part reads.</summary>
    public void Plan(ConvGeometry g)
    {
        _g = g;
        _planes.Plan(g);
    }

    /// <summary>
    /// Writes the transposed weight gradient of samples [first, end) (k × O) into <paramref name="dwT"/> from
    /// <paramref name="dwTOffset"/>, and with <paramref name="dBias"/> their bias gradient from <paramref name="dBiasOffset"/>,
    /// as <see cref="ConvKernel.WeightGradSamples{T}"/> does; <see cref="Plan"/> has been called on this instance.
    /// </summary>
    public void Run(int first, int end, T[] x, int xOffset, T[] gy, int gyOffset, T[] dwT, int dwTOffset, T[]? dBias, int dBiasOffset)
    {
        // One sample's planes at a time: the copy stays the size of one sample however many samples the part has (a
        // batch run whole on one thread is one part).
        for (int n = first; n < end; n++)
        {
            T[] padded = _planes.CopyPlanes(n, 1, x, xOffset);
            if (Gemm.UseVector512)
            {
                MultiplySample<Vector512<T>, GemmSimd512<T>>(n, n > first, padded, gy, gyOffset, dwT, dwTOffset);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                MultiplySample<Vector256<T>, GemmSimd256<T>>(n, n > first, padded, gy, gyOffset, dwT, dwTOffset);
            }
            else
            {
                MultiplySample<Vector128<T>, GemmSimd128<T>>(n, n > first, padded, gy, gyOffset, dwT, dwTOffset);
            }
        }
        if (dBias is not null)
        {
            int l = _g.Positions, o = _g.OutChannels;
            for (int n = first; n < end; n++)
            {
                ConvKernel.AddRowSums(gy.AsSpan(gyOffset + n * o * l, o * l), l, dBias.AsSpan(dBiasOffset, o), n > first);
            }
        }
    }

    /// <summary>dwᵀ = (or += when <paramref name="accumulate"/>) sample <paramref name="sample"/>'s columns · gyᵀ, its planes in <paramref name="padded"/>.</summary>
    [SkipLocalsInit]
    private void MultiplySample<TVec, TSimd>(int sample, bool accumulate, T[] padded, T[] gy, int gyOffset, T[] dwT, int dwTOffset)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int nr = 2 * TSimd.Count, mr = TSimd.Rows;
        int m = _g.GroupK, n = _g.OutChannels, l = _g.Positions;
        Gemm.BlockSizes<T>(mr, nr, l, out int kcMax, out int mcMax, out int ncMax);
        int kcBlock = Math.Min(l, kcMax);
        T* packB = GemmBuffers<T>.PackB(Math.Min(Gemm.RoundUp(n, nr), ncMax) * kcBlock);
        T* packA = GemmBuffers<T>.PackA(Math.Min(Gemm.RoundUp(m, mr), mcMax) * kcBlock);
        // The edge-strip scratch: PackA takes it only for a strip of fewer than MR rows, and PackColumns passes full ones.
        T* rows = GemmBuffers<T>.Edge(mr * kcBlock);
        T* tile = stackalloc T[mr * nr];
        fixed (T* planes = padded, masks = _planes.Masks, gyStart = gy, c = dwT)
        fixed (int* rowOffsets = _planes.RowOffsets, rowMasks = _planes.RowMasks)
        {
            T* columns = planes + _planes.Gap;
            // B = gyᵀ (l × O): the sample's gradient rows (O × l) read with swapped strides.
            T* b = gyStart + gyOffset + sample * (nint)n * l;
            for (int jc = 0; jc < n; jc += ncMax)
            {
                int nc = Math.Min(ncMax, n - jc);
                for (int pc = 0; pc < l; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, l - pc);
                    GemmPacking.PackB<T, TVec, TSimd>(kc, nc, b + pc + jc * (nint)l, 1, l, packB);
                    for (int ic = 0; ic < m; ic += mcMax)
                    {
                        int mc = Math.Min(mcMax, m - ic);
                        PackColumns<TVec, TSimd>(ic, mc, pc, kc, columns, masks, rowOffsets, rowMasks, rows, packA);
                        Gemm.MacroKernel<T, TVec, TSimd>(mc, nc, kc, packA, packB, c + dwTOffset + ic * (nint)n + jc, n, accumulate || pc > 0, tile);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs rows [ic, ic + mc) and positions [pc, pc + kc) of the sample's column matrix as <see cref="GemmPacking.PackA{T, TVec, TSimd}"/>
    /// packs them from the unfolded matrix: per strip, its MR rows (zero past mc) gathered into <paramref name="rows"/>
    /// (MR × kc, in L1) by masked vector loads, then packed by the same transpose.
    /// </summary>
    private static void PackColumns<TVec, TSimd>(int ic, int mc, int pc, int kc, T* sample, T* masks, int* rowOffsets, int* rowMasks, T* rows, T* destination)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int w = TSimd.Count, mr = TSimd.Rows;
        for (int i0 = 0; i0 < mc; i0 += mr, destination += kc * mr)
        {
            int count = Math.Min(mr, mc - i0);
            for (int i = 0; i < count; i++)
            {
                int r = ic + i0 + i;
                T* source = sample + rowOffsets[r] + pc;
                T* mask = masks + rowMasks[r] + pc;
                T* row = rows + i * kc;
                for (int p = 0; p < kc; p += w)
                {
                    TSimd.Store(ConvShiftedPlanes<T>.Load<TVec, TSimd>(source + p, mask + p), row + p);
                }
            }
            new Span<T>(rows + count * kc, (mr - count) * kc).Clear();
            GemmPacking.PackA<T, TVec, TSimd>(mr, kc, rows, kc, 1, destination);
        }
    }
}
