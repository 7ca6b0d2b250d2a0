using System.Buffers;
using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// Direct pooling kernels over contiguous (planes, H, W) float/double data: max pooling, which records the argmax of
/// every window, its scatter (the backward) and gather (the backward's backward), and the averaging pools with their
/// adjoint. Planes are independent, so large inputs are split over threads by plane.
/// </summary>
internal static class PoolKernel
{
    // Elements (input plus output) below which a pool runs on the calling thread: the loops are memory-bound and a
    // 64×16×16 batch takes microseconds, less than waking a worker.
    private const int ParallelThreshold = 1 << 17;

    /// <summary>
    /// y and index (planes, OutH, OutW) = the max of each window of x, and where it is (the first of equal maxima; NaN
    /// wins, as in PyTorch). A null <paramref name="index"/> computes y alone (inference: nothing reads the argmax).
    /// </summary>
    public static void MaxForward<T>(T[] x, int xOffset, T[] y, int[]? index, MaxPoolGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = PoolJob<T>.ForThisThread;
        job.SetMax(PoolMode.MaxForward, g, x, xOffset, y, index);
        job.Run(g.Planes, (long)g.Planes * (g.H * g.W + g.OutH * g.OutW));
    }

    /// <summary>dx (planes, H, W) = 0, then each output's gradient added at its argmax.</summary>
    public static void MaxScatter<T>(T[] gy, int gyOffset, T[] dx, int[] index, MaxPoolGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = PoolJob<T>.ForThisThread;
        job.SetMax(PoolMode.MaxScatter, g, gy, gyOffset, dx, index);
        job.Run(g.Planes, (long)g.Planes * (g.H * g.W + g.OutH * g.OutW));
    }

    /// <summary>r (planes, OutH, OutW) = u at each output's argmax (0 where a window had none).</summary>
    public static void MaxGather<T>(T[] u, int uOffset, T[] r, int[] index, MaxPoolGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = PoolJob<T>.ForThisThread;
        job.SetMax(PoolMode.MaxGather, g, u, uOffset, r, index);
        job.Run(g.Planes, (long)g.Planes * (g.H * g.W + g.OutH * g.OutW));
    }

    /// <summary>y (planes, rows.Out, cols.Out) = the sum of each window of x over its divisor.</summary>
    public static void AverageForward<T>(T[] x, int xOffset, T[] y, int planes, PoolAxis rows, PoolAxis cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = PoolJob<T>.ForThisThread;
        job.SetAverage(PoolMode.AverageForward, rows, cols, x, xOffset, y);
        job.Run(planes, (long)planes * (rows.Size * cols.Size + rows.Out * cols.Out));
    }

    /// <summary>dx (planes, rows.Size, cols.Size) = the adjoint of <see cref="AverageForward"/>: each output's gradient over its divisor, added to its window.</summary>
    public static void AverageAdjoint<T>(T[] gy, int gyOffset, T[] dx, int planes, PoolAxis rows, PoolAxis cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = PoolJob<T>.ForThisThread;
        job.SetAverage(PoolMode.AverageAdjoint, rows, cols, gy, gyOffset, dx);
        job.Run(planes, (long)planes * (rows.Size * cols.Size + rows.Out * cols.Out));
    }

    internal static bool RunsInParallel(long elements) => elements >= ParallelThreshold && Parallelism.MaxThreads > 1;

    internal static void MaxForwardPlane<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> index, MaxPoolGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int hStart = oh * g.StrideH - g.PadH;
            for (int ow = 0; ow < g.OutW; ow++)
            {
                int wStart = ow * g.StrideW - g.PadW;
                T max = T.NegativeInfinity;
                int best = -1;
                for (int i = 0; i < g.KernelH; i++)
                {
                    int h = hStart + i * g.DilationH;
                    if ((uint)h >= (uint)g.H)
                    {
                        continue;
                    }
                    var row = x.Slice(h * g.W, g.W);
                    for (int j = 0; j < g.KernelW; j++)
                    {
                        int w = wStart + j * g.DilationW;
                        if ((uint)w >= (uint)g.W)
                        {
                            continue;
                        }
                        T v = row[w];
                        // Strictly greater keeps the first of equal maxima; a NaN replaces anything (PyTorch's CPU rule).
                        if (best < 0 || v > max || T.IsNaN(v))
                        {
                            max = v;
                            best = h * g.W + w;
                        }
                    }
                }
                y[oh * g.OutW + ow] = max;
                index[oh * g.OutW + ow] = best;
            }
        }
    }

    internal static void MaxScatterPlane<T>(ReadOnlySpan<T> gy, Span<T> dx, ReadOnlySpan<int> index)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        dx.Clear();
        for (int o = 0; o < index.Length; o++)
        {
            int i = index[o];
            if (i >= 0)
            {
                dx[i] += gy[o];
            }
        }
    }

    internal static void MaxGatherPlane<T>(ReadOnlySpan<T> u, Span<T> r, ReadOnlySpan<int> index)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < index.Length; o++)
        {
            int i = index[o];
            r[o] = i >= 0 ? u[i] : T.Zero;
        }
    }

    internal static void AverageForwardPlane<T>(ReadOnlySpan<T> x, Span<T> y, PoolAxis rows, PoolAxis cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = cols.Size;
        for (int oh = 0; oh < rows.Out; oh++)
        {
            int h0 = rows.Start[oh], h1 = rows.End[oh];
            for (int ow = 0; ow < cols.Out; ow++)
            {
                int w0 = cols.Start[ow], w1 = cols.End[ow];
                T sum = T.Zero;
                for (int h = h0; h < h1; h++)
                {
                    var row = x.Slice(h * width + w0, w1 - w0);
                    for (int w = 0; w < row.Length; w++)
                    {
                        sum += row[w];
                    }
                }
                int divisor = rows.Count[oh] * cols.Count[ow];
                y[oh * cols.Out + ow] = divisor == 0 ? T.Zero : sum / T.CreateChecked(divisor);
            }
        }
    }

    internal static void AverageAdjointPlane<T>(ReadOnlySpan<T> gy, Span<T> dx, PoolAxis rows, PoolAxis cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        dx.Clear();
        int width = cols.Size;
        for (int oh = 0; oh < rows.Out; oh++)
        {
            int h0 = rows.Start[oh], h1 = rows.End[oh];
            for (int ow = 0; ow < cols.Out; ow++)
            {
                int w0 = cols.Start[ow], w1 = cols.End[ow];
                int divisor = rows.Count[oh] * cols.Count[ow];
                if (divisor == 0)
                {
                    continue;
                }
                T share = gy[oh * cols.Out + ow] / T.CreateChecked(divisor);
                for (int h = h0; h < h1; h++)
                {
                    var row = dx.Slice(h * width + w0, w1 - w0);
                    for (int w = 0; w < row.Length; w++)
                    {
                        row[w] += share;
                    }
                }
            }
        }
    }
}

/// <summary>Which pooling loop a <see cref="PoolJob{T}"/> runs.</summary>
internal enum PoolMode
{
    MaxForward,
    MaxScatter,
    MaxGather,
    AverageForward,
    AverageAdjoint,
}

/// <summary>One pooling call split into ranges of planes, one range per thread; one reused instance per calling thread.</summary>
internal sealed class PoolJob<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static PoolJob<T>? t_instance;

    private PoolMode _mode;
    private MaxPoolGeometry _max;
    private PoolAxis? _rows, _cols;
    private T[]? _source, _destination;
    private int[]? _index;
    private int _sourceOffset, _planes, _chunk;

    public static PoolJob<T> ForThisThread => t_instance ??= new PoolJob<T>();

    public void SetMax(PoolMode mode, MaxPoolGeometry g, T[] source, int sourceOffset, T[] destination, int[]? index)
    {
        (_mode, _max, _source, _sourceOffset, _destination, _index) = (mode, g, source, sourceOffset, destination, index);
    }

    public void SetAverage(PoolMode mode, PoolAxis rows, PoolAxis cols, T[] source, int sourceOffset, T[] destination)
    {
        (_mode, _rows, _cols, _source, _sourceOffset, _destination) = (mode, rows, cols, source, sourceOffset, destination);
    }

    /// <summary>Runs over <paramref name="planes"/> planes, in parallel when <paramref name="elements"/> are worth it, then clears the job.</summary>
    public void Run(int planes, long elements)
    {
        try
        {
            _planes = planes;
            int threads = PoolKernel.RunsInParallel(elements) ? Math.Min(Parallelism.MaxThreads, planes) : 1;
            if (threads <= 1)
            {
                RunPlanes(0, planes);
                return;
            }
            _chunk = (planes + threads - 1) / threads;
            ParallelRunner.Run(this, (planes + _chunk - 1) / _chunk, threads);
        }
        finally
        {
            _source = _destination = null;
            _index = null;
            _rows = _cols = null;
        }
    }

    public void Execute(int index) => RunPlanes(index * _chunk, Math.Min(_planes, (index + 1) * _chunk));

    private void RunPlanes(int first, int end)
    {
        var source = _source!;
        var destination = _destination!;
        if (_mode is PoolMode.AverageForward or PoolMode.AverageAdjoint)
        {
            int inPlane = _rows!.Size * _cols!.Size, outPlane = _rows.Out * _cols.Out;
            for (int p = first; p < end; p++)
            {
                if (_mode == PoolMode.AverageForward)
                {
                    PoolKernel.AverageForwardPlane<T>(source.AsSpan(_sourceOffset + p * inPlane, inPlane), destination.AsSpan(p * outPlane, outPlane), _rows, _cols);
                }
                else
                {
                    PoolKernel.AverageAdjointPlane<T>(source.AsSpan(_sourceOffset + p * outPlane, outPlane), destination.AsSpan(p * inPlane, inPlane), _rows, _cols);
                }
            }
            return;
        }
        var g = _max;
        if (_mode == PoolMode.MaxForward && typeof(T) == typeof(float) && MaxPoolNarrow.Applies(g))
        {
            MaxPoolNarrow.Forward((float[])(object)source, _sourceOffset, (float[])(object)destination, _index, g, first, end);
            return;
        }
        bool inside = MaxPoolInside.Applies(g);
        // Without an index to keep (inference), each plane's argmax goes to a scratch row and is dropped.
        int[]? scratch = _index is null ? ArrayPool<int>.Shared.Rent(g.OutH * g.OutW) : null;
        try
        {
            RunMaxPlanes(first, end, source, destination, scratch, inside);
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<int>.Shared.Return(scratch);
            }
        }
    }

    private void RunMaxPlanes(int first, int end, T[] source, T[] destination, int[]? scratch, bool inside)
    {
        var g = _max;
        int input = g.H * g.W, output = g.OutH * g.OutW;
        for (int p = first; p < end; p++)
        {
            var index = scratch is not null ? scratch.AsSpan(0, output) : _index.AsSpan(p * output, output);
            switch (_mode)
            {
                case PoolMode.MaxForward when inside:
                    MaxPoolInside.ForwardPlane<T>(source.AsSpan(_sourceOffset + p * input, input), destination.AsSpan(p * output, output), index, g);
                    break;
                case PoolMode.MaxForward:
                    PoolKernel.MaxForwardPlane<T>(source.AsSpan(_sourceOffset + p * input, input), destination.AsSpan(p * output, output), index, g);
                    break;
                case PoolMode.MaxScatter:
                    PoolKernel.MaxScatterPlane<T>(source.AsSpan(_sourceOffset + p * output, output), destination.AsSpan(p * input, input), index);
                    break;
                default:
                    PoolKernel.MaxGatherPlane<T>(source.AsSpan(_sourceOffset + p * input, input), destination.AsSpan(p * output, output), index);
                    break;
            }
        }
    }
}
