using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// The forward of a one-group convolution with unit strides whose output rows are as wide as the input's (the "same"
/// 3×3 padding-1 convolution of every small CNN, <see cref="Im2ColRuns.Applies"/>), for a part of the batch at a time:
/// the part's samples' columns side by side make one product, weight (O × k) times columns (k × samples·OutH·OutW),
/// instead of one small product per sample. Column strips are packed straight from the image one at a time, multiplied
/// by every row strip of the weight (packed once per call, <see cref="PrepackedGemm{T}"/>) while in L1, and written
/// into each sample's output with the bias added.
/// </summary>
/// <remarks>
/// <para>
/// The strips are read from a copy of the part's planes by <see cref="ConvShiftedPlanes{T}"/>: every packed value is
/// the one <see cref="Im2ColKernel"/> writes.
/// </para>
/// <para>
/// Each output is the same sum as in the per-sample products: the micro-kernels of <see cref="Gemm"/>, over the same
/// k blocks of <see cref="Gemm.BlockSizes{T}"/>, each block's sum from zero in k order, added to the bias (first
/// block) or to the output (later blocks). Results are bit-identical to <see cref="ConvKernel.ForwardSamples{T}"/>.
/// A sample's positions must be a whole number of vectors, so that no vector of a strip spans two samples.
/// </para>
/// <para>
/// Measured against the per-sample products on the digits CNN (batch 256): see the commit message.
/// </para>
/// </remarks>
internal sealed unsafe class ConvBatchedForward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // Columns per part the batch is split into: several strips, so that a part's fixed costs (copying its planes)
    // are small, and a few parts per thread, so that a late worker delays the end by little.
    private const int ColumnsPerPart = 512;

    [ThreadStatic]
    private static ConvBatchedForward<T>? t_instance;

    private readonly ConvShiftedPlanes<T> _planes = new();
    private ConvGeometry _g;

    /// <summary>The calling thread's instance, which its parts read from other threads during one call.</summary>
    public static ConvBatchedForward<T> ForThisThread => t_instance ??= new ConvBatchedForward<T>();

    /// <summary>Turned off by tests and the A/B harness to run the per-sample products instead.</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>Whether this path computes the forward of <paramref name="g"/> (bit-identically to the per-sample products).</summary>
    /// <remarks>
    /// A product with one row or one position goes to <see cref="Gemv"/> in <see cref="Gemm.Multiply{T}"/>, in another
    /// summation order, and a 1×1 window multiplies the input in place; both stay with the per-sample products, as
    /// does an input of no channels (k = 0), whose output is the bias alone.
    /// </remarks>
    public static bool Applies(ConvGeometry g) =>
        Enabled && g.N > 0 && g.GroupK > 0 && g.GroupOutChannels > 1 && g.Positions > 1 && ConvShiftedPlanes<T>.Applies(g)
        && g.Positions % Gemm.VectorCount<T>() == 0;

    /// <summary>Samples per part of the batch (see <see cref="ColumnsPerPart"/>), at least one.</summary>
    public static int SamplesPerPart(ConvGeometry g, int threads)
    {
        int bySize = Math.Max(1, ColumnsPerPart / g.Positions);
        int byThreads = Math.Max(1, g.N / (4 * threads));
        return Math.Min(bySize, byThreads);
    }

    /// <summary>Sets the geometry and makes the tables every part reads.</summary>
    public void Plan(ConvGeometry g)
    {
        _g = g;
        _planes.Plan(g);
    }

    /// <summary>
    /// y of samples [first, end) (contiguous from 0) = weight · columns + bias on the calling thread; the weight is
    /// <paramref name="weight"/>, packed for this call's width; <see cref="Plan"/> has been called on this instance.
    /// </summary>
    public void Run(int first, int end, T[] x, int xOffset, T[]? bias, int biasOffset, T[] y, PrepackedGemm<T> weight)
    {
        int samples = end - first;
        if (samples <= 0)
        {
            return;
        }
        T[] padded = _planes.CopyPlanes(first, samples, x, xOffset);
        switch (weight.PackedWidth)
        {
            case 512:
                Multiply<Vector512<T>, GemmSimd512<T>>(first, samples, padded, bias, biasOffset, y, weight);
                break;
            case 256:
                Multiply<Vector256<T>, GemmSimd256<T>>(first, samples, padded, bias, biasOffset, y, weight);
                break;
            default:
                Multiply<Vector128<T>, GemmSimd128<T>>(first, samples, padded, bias, biasOffset, y, weight);
                break;
        }
    }

    [SkipLocalsInit]
    private void Multiply<TVec, TSimd>(int first, int samples, T[] padded, T[]? bias, int biasOffset, T[] y, PrepackedGemm<T> weight)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int w = TSimd.Count, nr = 2 * w, mr = TSimd.Rows;
        int m = weight.Rows, k = weight.Depth, kcMax = weight.DepthBlock;
        int p = _g.Positions, n = samples * p;
        int gap = _planes.Gap, sampleIn = _planes.SampleStride, sampleOut = _g.OutChannels * p;
        T* tile = stackalloc T[mr * nr];
        T* strip = GemmBuffers<T>.PackB(nr * Math.Min(k, kcMax));
        fixed (T* planes = padded, masks = _planes.Masks, yp = y, biasStart = bias)
        fixed (int* rowOffsets = _planes.RowOffsets, rowMasks = _planes.RowMasks)
        {
            T* b = biasStart + biasOffset;
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                for (int j0 = 0; j0 < n; j0 += nr)
                {
                    // The strip's one or two vectors: each within one sample (P is a whole number of vectors).
                    bool narrow = n - j0 <= w;
                    int width = narrow ? w : nr;
                    int s0 = j0 / p, pos0 = j0 % p, s1 = (j0 + w) / p, pos1 = (j0 + w) % p;
                    T* in0 = planes + gap + s0 * sampleIn + pos0;
                    T* in1 = planes + gap + s1 * sampleIn + pos1;
                    PackStrip<TVec, TSimd>(kc, rowOffsets + pc, rowMasks + pc, in0, masks + pos0, narrow ? null : in1, masks + pos1, strip);
                    T* out0 = yp + (first + s0) * (nint)sampleOut + pos0;
                    T* out1 = yp + (first + s1) * (nint)sampleOut + pos1;
                    for (int r0 = 0; r0 < m; r0 += mr)
                    {
                        int rows = Math.Min(mr, m - r0);
                        Gemm.RunTile<T, TVec, TSimd>(rows, narrow, kc, weight.Strip(pc, r0), strip, tile, width, false);
                        WriteBack<TVec, TSimd>(rows, tile, width, out0 + r0 * (nint)p, narrow ? null : out1 + r0 * (nint)p, p,
                            pc == 0 ? (bias is null ? null : b + r0) : null, pc > 0);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs kc rows of a strip as <see cref="GemmPacking.PackB{T, TVec, TSimd}"/> would from the column matrix: row p
    /// of vector v is the part's planes from <c>inV + rowOffsets[p]</c>, masked by <c>maskV + rowMasks[p]</c>;
    /// <paramref name="in1"/> null for a narrow strip (one vector wide).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PackStrip<TVec, TSimd>(int kc, int* rowOffsets, int* rowMasks, T* in0, T* mask0, T* in1, T* mask1, T* strip)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int w = TSimd.Count;
        if (in1 is null)
        {
            for (int p = 0; p < kc; p++)
            {
                TSimd.Store(ConvShiftedPlanes<T>.Load<TVec, TSimd>(in0 + rowOffsets[p], mask0 + rowMasks[p]), strip + p * w);
            }
            return;
        }
        for (int p = 0; p < kc; p++)
        {
            int offset = rowOffsets[p], mask = rowMasks[p];
            TSimd.Store(ConvShiftedPlanes<T>.Load<TVec, TSimd>(in0 + offset, mask0 + mask), strip + 2 * p * w);
            TSimd.Store(ConvShiftedPlanes<T>.Load<TVec, TSimd>(in1 + offset, mask1 + mask), strip + (2 * p + 1) * w);
        }
    }

    /// <summary>
    /// The tile's rows out of <paramref name="tile"/> (row stride <paramref name="width"/>) into the output rows (stride
    /// <paramref name="ldc"/>) at <paramref name="out0"/> (first vector) and <paramref name="out1"/> (second; null if
    /// narrow): with <paramref name="bias"/> (one value per row) the sum plus the bias, with <paramref name="add"/> the
    /// output plus the sum, else the sum: what the micro-kernel's store makes of a C holding the bias or a partial sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteBack<TVec, TSimd>(int rows, T* tile, int width, T* out0, T* out1, nint ldc, T* bias, bool add)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int w = TSimd.Count;
        for (int i = 0; i < rows; i++)
        {
            T* t = tile + i * width;
            T* d0 = out0 + i * ldc;
            TVec v0 = TSimd.Load(t);
            if (bias is not null)
            {
                TVec b = TSimd.Broadcast(bias + i);
                TSimd.Store(TSimd.Add(v0, b), d0);
                if (out1 is not null)
                {
                    TSimd.Store(TSimd.Add(TSimd.Load(t + w), b), out1 + i * ldc);
                }
            }
            else if (add)
            {
                TSimd.Store(TSimd.Add(v0, TSimd.Load(d0)), d0);
                if (out1 is not null)
                {
                    T* d1 = out1 + i * ldc;
                    TSimd.Store(TSimd.Add(TSimd.Load(t + w), TSimd.Load(d1)), d1);
                }
            }
            else
            {
                TSimd.Store(v0, d0);
                if (out1 is not null)
                {
                    TSimd.Store(TSimd.Load(t + w), out1 + i * ldc);
                }
            }
        }
    }
}
