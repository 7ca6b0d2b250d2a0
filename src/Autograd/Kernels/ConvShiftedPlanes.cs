using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// A window's column matrix read straight from the image, for windows with unit strides whose output rows are as wide
/// as the input's (<see cref="Im2ColRuns.Applies"/>: the "same" 3×3 padding-1 convolution of every small CNN). The
/// column-matrix row of tap (i, j) is then the input plane shifted by a constant, (i·dh − ph)·W + j·dw − pw, except
/// where the window column falls in the left or right padding. So a vector of the row is one unaligned load from a copy
/// of the samples' planes with zeros between them (enough to cover the rows above and below the image), ANDed with the
/// tap column's mask of the window columns inside the image. Every value read is the one <see cref="Im2ColKernel"/>
/// writes (a padded position is +0, as there). One plan per call; each thread copies its samples' planes into its own buffer.
/// </summary>
internal sealed unsafe class ConvShiftedPlanes<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static T[]? t_planes;

    private ConvGeometry _g;

    // Per window column j, P elements: all bits set where the tap column reads inside the image, zero where in the padding.
    private T[] _masks = [];

    // Per row r of the column matrix: where its values start in a sample's padded planes, and its tap column's mask.
    private int[] _rowOffsets = [], _rowMasks = [];

    /// <summary>Zeros before the first plane and after each plane (a whole number of vectors).</summary>
    public int Gap { get; private set; }

    /// <summary>Elements from one padded plane to the next: H·W + <see cref="Gap"/>.</summary>
    public int PlaneStride { get; private set; }

    /// <summary>Elements from one sample's padded planes to the next.</summary>
    public int SampleStride => _g.InChannels * PlaneStride;

    /// <summary>The masks of the window columns, P elements per column (see <see cref="RowMasks"/>).</summary>
    public T[] Masks => _masks;

    /// <summary>Per column-matrix row, where its values start relative to a sample's first padded plane.</summary>
    public int[] RowOffsets => _rowOffsets;

    /// <summary>Per column-matrix row, where its mask starts in <see cref="Masks"/>.</summary>
    public int[] RowMasks => _rowMasks;

    /// <summary>Whether <paramref name="g"/>'s columns can be read this way (one group, the window of <see cref="Im2ColRuns"/>).</summary>
    public static bool Applies(ConvGeometry g) => g.Groups == 1 && !g.ColumnsAreInput && Im2ColRuns.Applies(g.Window);

    /// <summary>Sets the geometry and makes the tables every part reads.</summary>
    public void Plan(ConvGeometry g)
    {
        _g = g;
        var win = g.Window;
        int w = win.W, p = g.Positions, taps = win.KernelH * win.KernelW;
        // The farthest a tap reads before a plane's start and past its end; the zeros between planes cover both.
        int before = win.PadH * w + win.PadW;
        int after = p - 1 + ((win.KernelH - 1) * win.DilationH - win.PadH) * w + (win.KernelW - 1) * win.DilationW - win.PadW - (win.H * w - 1);
        Gap = Gemm.RoundUp(Math.Max(0, Math.Max(before, after)), Gemm.VectorCount<T>());
        PlaneStride = win.H * w + Gap;
        if (_masks.Length < win.KernelW * p)
        {
            _masks = new T[win.KernelW * p];
        }
        T ones = AllBits();
        for (int j = 0; j < win.KernelW; j++)
        {
            int shift = j * win.DilationW - win.PadW;
            for (int pos = 0; pos < p; pos++)
            {
                int iw = pos % w + shift;
                _masks[j * p + pos] = (uint)iw < (uint)w ? ones : T.Zero;
            }
        }
        int k = g.GroupK;
        if (_rowOffsets.Length < k)
        {
            _rowOffsets = new int[k];
            _rowMasks = new int[k];
        }
        for (int r = 0; r < k; r++)
        {
            int c = r / taps, tap = r % taps, i = tap / win.KernelW, j = tap % win.KernelW;
            _rowOffsets[r] = c * PlaneStride + (i * win.DilationH - win.PadH) * w + j * win.DilationW - win.PadW;
            _rowMasks[r] = j * p;
        }
    }

    /// <summary>
    /// The planes of samples [first, first + samples) of <paramref name="x"/> copied into the calling thread's buffer,
    /// <see cref="Gap"/> zeros before each plane and after the last: sample s's first plane starts at
    /// <see cref="Gap"/> + s·<see cref="SampleStride"/>. The buffer is pinned, so its address may be taken.
    /// </summary>
    public T[] CopyPlanes(int first, int samples, T[] x, int xOffset)
    {
        int planeSize = _g.PlaneSize, planes = samples * _g.InChannels;
        int length = Gap + planes * PlaneStride;
        T[] padded = PinnedBuffer.AtLeast(ref t_planes, length);
        var source = x.AsSpan(xOffset + first * _g.InChannels * planeSize, planes * planeSize);
        padded.AsSpan(0, Gap).Clear();
        for (int q = 0; q < planes; q++)
        {
            int start = Gap + q * PlaneStride;
            source.Slice(q * planeSize, planeSize).CopyTo(padded.AsSpan(start));
            padded.AsSpan(start + planeSize, Gap).Clear();
        }
        return padded;
    }

    /// <summary>The vector of the column matrix at <paramref name="values"/>, masked by the vector at <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TVec, TSimd>(T* values, T* mask)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        TVec a = TSimd.Load(values), b = TSimd.Load(mask);
        if (typeof(TVec) == typeof(Vector512<T>))
        {
            return Unsafe.BitCast<Vector512<T>, TVec>(Unsafe.BitCast<TVec, Vector512<T>>(a) & Unsafe.BitCast<TVec, Vector512<T>>(b));
        }
        if (typeof(TVec) == typeof(Vector256<T>))
        {
            return Unsafe.BitCast<Vector256<T>, TVec>(Unsafe.BitCast<TVec, Vector256<T>>(a) & Unsafe.BitCast<TVec, Vector256<T>>(b));
        }
        return Unsafe.BitCast<Vector128<T>, TVec>(Unsafe.BitCast<TVec, Vector128<T>>(a) & Unsafe.BitCast<TVec, Vector128<T>>(b));
    }

    private static T AllBits()
    {
        T ones = default;
        new Span<byte>(&ones, sizeof(T)).Fill(0xFF);
        return ones;
    }
}
