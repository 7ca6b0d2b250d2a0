using System.Numerics;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// The input gradient of a one-group convolution whose columns <see cref="ConvShiftedPlanes{T}"/> reads from the image
/// (unit strides, output rows as wide as the input's), one sample at a time on the calling thread: each tile of
/// Wᵀ·gy (k × P) is added into the sample's gradient planes as soon as the micro-kernel has made it, instead of the
/// whole column-gradient matrix (k × P, 0.3 MB for 32 channels on 16×16) being stored and then folded back by col2im.
/// </summary>
/// <remarks>
/// <para>
/// col2im adds column-matrix row r (channel c, tap (i, j)) into plane c shifted by the constant that
/// <see cref="ConvShiftedPlanes{T}.RowOffsets"/> gives, the positions whose tap column falls in the padding adding
/// +0 (<see cref="Im2ColRuns.FoldPlane{T}"/> clears them first). A tile row is added the same way, masked by the tap
/// column's mask, into a copy of the planes with zeros between them: the positions whose tap row falls above or below
/// the image land in those gaps, which are never copied out.
/// </para>
/// <para>
/// Bit-identical to <see cref="ConvKernel.InputGradSamples{T}"/>: each tile is the same sum (the micro-kernels of
/// <see cref="Gemm"/> over the K blocks of <see cref="Gemm.BlockSizes{T}"/>, each block's sum from zero, added in
/// block order), and every gradient element receives its rows' values in row order, as col2im adds them, because the
/// row tiles are the outer loop: a position strip never holds a later row before an earlier one is done.
/// </para>
/// </remarks>
internal sealed unsafe class ConvBatchedInputGrad<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static ConvBatchedInputGrad<T>? t_instance;

    [ThreadStatic]
    private static T[]? t_planes;

    [ThreadStatic]
    private static T[]? t_slab;

    private readonly ConvShiftedPlanes<T> _planes = new();
    private ConvGeometry _g;

    /// <summary>The calling thread's instance, which its parts read from other threads during one call.</summary>
    public static ConvBatchedInputGrad<T> ForThisThread => t_instance ??= new ConvBatchedInputGrad<T>();

    /// <summary>Turned off by tests and the A/B harness to run the per-sample products and col2im instead.</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>Whether this path computes the input gradient of <paramref name="g"/> (bit-identically to the per-sample products).</summary>
    /// <remarks>
    /// One row or one position goes to <see cref="Gemv"/> in <see cref="Gemm.Multiply{T}"/>, in another summation
    /// order, and a 1×1 window needs no col2im; both stay with the per-sample products, as does a convolution with no
    /// output channels (k = 0), whose input gradient is zero.
    /// </remarks>
    public static bool Applies(ConvGeometry g) =>
        Enabled && g.N > 0 && g.GroupK > 1 && g.GroupOutChannels > 0 && g.Positions > 1 && ConvShiftedPlanes<T>.Applies(g)
        && g.Positions % Gemm.VectorCount<T>() == 0;

    /// <summary>Sets the geometry and makes the tables every part reads.</summary>
    public void Plan(ConvGeometry g)
    {
        _g = g;
        _planes.Plan(g);
    }

    /// <summary>
    /// dx of samples [first, end) (contiguous from 0) = the adjoint of the convolution applied to gy, on the calling
    /// thread; <paramref name="weightT"/> is Wᵀ (k × O) packed for this call's width; <see cref="Plan"/> has been called.
    /// </summary>
    public void Run(int first, int end, T[] gy, int gyOffset, T[] dx, PrepackedGemm<T> weightT)
    {
        int length = _planes.Gap + _g.InChannels * _planes.PlaneStride;
        T[] padded = PinnedBuffer.AtLeast(ref t_planes, length);
        for (int n = first; n < end; n++)
        {
            padded.AsSpan(0, length).Clear();
            switch (weightT.PackedWidth)
            {
                case 512:
                    MultiplySample<Vector512<T>, GemmSimd512<T>>(n, gy, gyOffset, padded, weightT);
                    break;
                case 256:
                    MultiplySample<Vector256<T>, GemmSimd256<T>>(n, gy, gyOffset, padded, weightT);
                    break;
                default:
                    MultiplySample<Vector128<T>, GemmSimd128<T>>(n, gy, gyOffset, padded, weightT);
                    break;
            }
            int planeSize = _g.PlaneSize;
            for (int c = 0; c < _g.InChannels; c++)
            {
                padded.AsSpan(_planes.Gap + c * _planes.PlaneStride, planeSize).CopyTo(dx.AsSpan((n * _g.InChannels + c) * planeSize, planeSize));
            }
        }
    }

    /// <summary>Adds sample <paramref name="sample"/>'s column gradient, tile by tile, into its cleared padded planes.</summary>
    private void MultiplySample<TVec, TSimd>(int sample, T[] gy, int gyOffset, T[] padded, PrepackedGemm<T> weightT)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int w = TSimd.Count, nr = 2 * w, mr = TSimd.Rows;
        int m = weightT.Rows, k = weightT.Depth, kcMax = weightT.DepthBlock, l = _g.Positions;
        int lRounded = Gemm.RoundUp(l, nr);
        // All of the sample's B (gy, O × P) packed once, block pc at pc·lRounded, strip j0 of it j0·kc further on: the
        // row tiles, the outer loop, each read all of it.
        T* packB = GemmBuffers<T>.PackB(k * lRounded);
        T* slab = PinnedBuffer.Aligned(ref t_slab, mr * lRounded);
        fixed (T* planes = padded, masks = _planes.Masks, gyStart = gy)
        fixed (int* rowOffsets = _planes.RowOffsets, rowMasks = _planes.RowMasks)
        {
            T* b = gyStart + gyOffset + sample * (nint)k * l;
            for (int pc = 0; pc < k; pc += kcMax)
            {
                GemmPacking.PackB<T, TVec, TSimd>(Math.Min(kcMax, k - pc), l, b + pc * (nint)l, l, 1, packB + pc * (nint)lRounded);
            }
            T* origin = planes + _planes.Gap;
            for (int r0 = 0; r0 < m; r0 += mr)
            {
                // The row tile's columns over all positions (in L1), then added row after row: a gradient element takes
                // its rows' values in row order only if each row is added whole before the next.
                int rows = Math.Min(mr, m - r0);
                for (int j0 = 0; j0 < l; j0 += nr)
                {
                    bool narrow = l - j0 <= w;
                    for (int pc = 0; pc < k; pc += kcMax)
                    {
                        int kc = Math.Min(kcMax, k - pc);
                        Gemm.RunTile<T, TVec, TSimd>(rows, narrow, kc, weightT.Strip(pc, r0), packB + pc * (nint)lRounded + j0 * (nint)kc, slab + j0, lRounded, pc > 0);
                    }
                }
                FoldRows<TVec, TSimd>(rows, slab, lRounded, l, origin, masks, rowOffsets + r0, rowMasks + r0);
            }
        }
    }

    /// <summary>
    /// Adds each of the first <paramref name="rows"/> rows of <paramref name="slab"/> (row stride <paramref name="ldc"/>,
    /// <paramref name="positions"/> used), masked by its tap column's mask, into the planes at its row's offset: what
    /// col2im adds for these rows, in the same order.
    /// </summary>
    private static void FoldRows<TVec, TSimd>(int rows, T* slab, int ldc, int positions, T* planes, T* masks, int* rowOffsets, int* rowMasks)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int w = TSimd.Count;
        for (int i = 0; i < rows; i++)
        {
            T* source = slab + i * (nint)ldc;
            T* destination = planes + rowOffsets[i];
            T* mask = masks + rowMasks[i];
            for (int v = 0; v < positions; v += w)
            {
                TSimd.Store(TSimd.Add(ConvShiftedPlanes<T>.Load<TVec, TSimd>(source + v, mask + v), TSimd.Load(destination + v)), destination + v);
            }
        }
    }
}
