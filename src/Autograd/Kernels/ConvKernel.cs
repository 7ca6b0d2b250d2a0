using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MiniTorch.Kernels;

/// <summary>
/// Grouped 2-D convolution and its two adjoints over contiguous float/double data, one sample at a time: a sample's
/// column matrix (im2col of one group's channels) is built in a reused per-thread buffer and multiplied with the
/// packed GEMM, so no more than one sample's columns per thread ever exist (the composite materialised the whole
/// batch's). A 1×1 kernel with unit stride and no padding multiplies the input in place. Batches are split over
/// <see cref="Parallelism.MaxThreads"/> threads by sample (<see cref="ConvJob{T}"/>), each GEMM then running on its
/// own thread; there, with one group, the weight is packed once per call (<see cref="PrepackedGemm{T}"/>) and the
/// forward's columns go from the image straight into the GEMM's strips (<see cref="ConvColumnPanels{T}"/>). A batch
/// too small to split leaves the threads to the GEMM instead.
/// </summary>
internal static class ConvKernel
{
    // Multiply-adds below which splitting the batch costs more than it saves (the GEMM's own threshold, per thread).
    private const long ParallelWorkPerThread = 1L << 18;

    // Parts per thread of a split weight gradient: enough for the calling thread to take over a late worker's share,
    // few enough that adding the per-part partial sums (O·C/G·kh·kw each, serially at the end) stays small.
    private const int PartsPerThread = 4;

    /// <summary>
    /// y (N, O, OutH, OutW), contiguous from 0, = conv(x, w) + bias; <paramref name="bias"/> null for none; then
    /// <paramref name="epilogue"/> applied to y part by part.
    /// </summary>
    public static void Forward<T>(T[] x, int xOffset, T[] w, int wOffset, T[]? bias, int biasOffset, T[] y, ConvGeometry g,
        ConvEpilogue<T> epilogue = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ConvWinograd<T>.AppliesToForward(g))
        {
            ConvWinograd<T>.Forward(x, xOffset, w, wOffset, bias, biasOffset, y, g, epilogue);
            return;
        }
        var job = ConvJob<T>.ForThisThread;
        job.Set(ConvMode.Forward, g, x, xOffset, w, wOffset, bias, biasOffset, y, epilogue: epilogue);
        job.Run();
    }

    /// <summary>dx (N, C, H, W), contiguous from 0, = the adjoint of conv in x applied to gy: per sample Wᵀ·gy, then col2im.</summary>
    public static void InputGrad<T>(T[] gy, int gyOffset, T[] w, int wOffset, T[] dx, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ConvWinograd<T>.AppliesToInputGrad(g))
        {
            ConvWinograd<T>.InputGrad(gy, gyOffset, w, wOffset, dx, g);
            return;
        }
        var job = ConvJob<T>.ForThisThread;
        job.Set(ConvMode.InputGrad, g, gy, gyOffset, w, wOffset, null, 0, dx);
        job.Run();
    }

    /// <summary>
    /// dw (O, C/G, kh, kw), contiguous from 0, = Σ over samples of gy·colsᵀ (the adjoint of conv in w applied to gy);
    /// with <paramref name="dBias"/> (O elements from 0) also the bias gradient, gy summed over (N, OutH, OutW), taken
    /// from each sample's gradient rows in the same pass, while they are in cache for the weight gradient's product.
    /// </summary>
    public static void WeightGrad<T>(T[] x, int xOffset, T[] gy, int gyOffset, T[] dw, ConvGeometry g, T[]? dBias = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = ConvJob<T>.ForThisThread;
        job.Set(ConvMode.WeightGrad, g, x, xOffset, gy, gyOffset, null, 0, dw, dBias);
        job.Run();
    }

    /// <summary>The samples of one forward on the calling thread; <paramref name="gemmThreads"/> 0 lets the GEMM split itself.</summary>
    /// <remarks><paramref name="packedWeight"/>, when given, is the weight packed once for the whole batch (one group).</remarks>
    internal static void ForwardSamples<T>(int first, int end, T[] x, int xOffset, T[] w, int wOffset, T[]? bias, int biasOffset, T[] y,
        ConvGeometry g, int gemmThreads, PrepackedGemm<T>? packedWeight = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int og = g.GroupOutChannels, cg = g.GroupInChannels, k = g.GroupK, l = g.Positions;
        T[] cols = g.ColumnsAreInput || packedWeight is not null ? [] : ColumnBuffer<T>.Get(k * l);
        for (int n = first; n < end; n++)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                int xo = xOffset + (n * g.InChannels + group * cg) * g.PlaneSize;
                int yo = (n * g.OutChannels + group * og) * l;
                if (bias is not null)
                {
                    // The bias is the GEMM's starting value: fused, with no separate broadcast add over the output.
                    for (int o = 0; o < og; o++)
                    {
                        y.AsSpan(yo + o * l, l).Fill(bias[biasOffset + group * og + o]);
                    }
                }
                if (packedWeight is not null && !g.ColumnsAreInput)
                {
                    // Implicit GEMM: the columns are made from the image straight into the packed strips.
                    packedWeight.Multiply(l, new ConvColumnPanels<T>(x, xo, g.Window), y, yo, l, accumulate: bias is not null);
                    continue;
                }
                var (source, sourceOffset) = SampleColumns(x, xo, cols, g);
                var columns = StridedMatrix<T>.RowMajor(source, sourceOffset, l);
                if (packedWeight is not null)
                {
                    packedWeight.Multiply(l, columns, y, yo, l, accumulate: bias is not null);
                    continue;
                }
                Gemm.Multiply(og, l, k, StridedMatrix<T>.RowMajor(w, wOffset + group * og * k, k), columns, y, yo, l,
                    accumulate: bias is not null, maxThreads: gemmThreads);
            }
        }
    }

    /// <summary>The samples of one input gradient on the calling thread.</summary>
    /// <remarks><paramref name="packedWeight"/>, when given, is the weight's transpose packed once for the whole batch (one group).</remarks>
    internal static void InputGradSamples<T>(int first, int end, T[] gy, int gyOffset, T[] w, int wOffset, T[] dx, ConvGeometry g, int gemmThreads,
        PrepackedGemm<T>? packedWeight = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int og = g.GroupOutChannels, cg = g.GroupInChannels, k = g.GroupK, l = g.Positions;
        T[] cols = g.ColumnsAreInput ? [] : ColumnBuffer<T>.Get(k * l);
        for (int n = first; n < end; n++)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                int dxo = (n * g.InChannels + group * cg) * g.PlaneSize;
                // Wᵀ of the group (k × og): the weight rows (og × k) read with swapped strides.
                var wT = new StridedMatrix<T>(w, wOffset + group * og * k, 1, k);
                var grad = StridedMatrix<T>.RowMajor(gy, gyOffset + (n * g.OutChannels + group * og) * l, l);
                var (target, targetOffset) = g.ColumnsAreInput ? (dx, dxo) : (cols, 0);
                if (packedWeight is not null)
                {
                    packedWeight.Multiply(l, grad, target, targetOffset, l, accumulate: false);
                }
                else
                {
                    Gemm.Multiply(k, l, og, wT, grad, target, targetOffset, l, maxThreads: gemmThreads);
                }
                if (g.ColumnsAreInput)
                {
                    continue;
                }
                dx.AsSpan(dxo, cg * g.PlaneSize).Clear();
                Im2ColKernel.FoldSample(cols, dx, dxo, g.Window);
            }
        }
    }

    /// <summary>
    /// Writes the transposed weight gradient of samples [first, end), per group dwᵀ (k × og) one after the other, into
    /// <paramref name="dwT"/> from <paramref name="dwTOffset"/> on the calling thread, and with <paramref name="dBias"/>
    /// their bias gradient into it from <paramref name="dBiasOffset"/>.
    /// </summary>
    /// <remarks>
    /// Each group's gradient is summed over the samples transposed, dwᵀ (k × og) += columns (k × l) · gyᵀ (l × og); the
    /// caller transposes the batch's sum into dw once (<see cref="TransposeInto{T}"/>). Against dw (og × k) += gy · columnsᵀ,
    /// this packs the columns as A with row loads instead of gathering them down k into B panels, and the rows of the
    /// result (k, a multiple of the 6-row micro-tile for every 3×3 kernel over 2·C channels) leave no edge tiles:
    /// measured in one process, alternating, 0.83× the time for 32→64 channels on 16×16 and 0.43× for 3→32 on 32×32
    /// (og = 32 fills one 32-wide B strip where k = 27 left 5 of 32 columns empty). The bias gradient is, per sample
    /// and channel, the sum of the channel's gradient row, added over the samples in order.
    /// </remarks>
    internal static void WeightGradSamples<T>(int first, int end, T[] x, int xOffset, T[] gy, int gyOffset, T[] dwT, int dwTOffset,
        T[]? dBias, int dBiasOffset, ConvGeometry g, int gemmThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int og = g.GroupOutChannels, cg = g.GroupInChannels, k = g.GroupK, l = g.Positions;
        T[] cols = g.ColumnsAreInput ? [] : ColumnBuffer<T>.Get(k * l);
        for (int n = first; n < end; n++)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                int xo = xOffset + (n * g.InChannels + group * cg) * g.PlaneSize;
                var gradT = new StridedMatrix<T>(gy, gyOffset + (n * g.OutChannels + group * og) * l, 1, l);
                var (source, sourceOffset) = SampleColumns(x, xo, cols, g);
                var columns = StridedMatrix<T>.RowMajor(source, sourceOffset, l);
                Gemm.Multiply(k, og, l, columns, gradT, dwT, dwTOffset + group * k * og, og, accumulate: n > first, maxThreads: gemmThreads);
            }
            if (dBias is not null)
            {
                AddRowSums(gy.AsSpan(gyOffset + n * g.OutChannels * l, g.OutChannels * l), l, dBias.AsSpan(dBiasOffset, g.OutChannels), n > first);
            }
        }
    }

    /// <summary>dw (O, C/G·kh·kw) = the per-group transposed gradients dwᵀ (k × og each, one after the other) transposed back.</summary>
    internal static void TransposeInto<T>(T[] dwT, T[] dw, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int og = g.GroupOutChannels, k = g.GroupK;
        for (int group = 0; group < g.Groups; group++)
        {
            AddTransposed(dwT.AsSpan(group * k * og, k * og), dw.AsSpan(group * og * k, og * k), k, og, accumulate: false);
        }
    }

    /// <summary>sums[r] = (or +=) the sum of row r of <paramref name="rows"/>, rows of <paramref name="length"/> elements one after the other.</summary>
    internal static void AddRowSums<T>(ReadOnlySpan<T> rows, int length, Span<T> sums, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < sums.Length; r++)
        {
            var row = rows.Slice(r * length, length);
            T s = typeof(T) == typeof(float)
                ? T.CreateTruncating(TensorPrimitives.Sum(MemoryMarshal.Cast<T, float>(row)))
                : T.CreateTruncating(TensorPrimitives.Sum(MemoryMarshal.Cast<T, double>(row)));
            sums[r] = accumulate ? sums[r] + s : s;
        }
    }

    /// <summary>destination (cols × rows) = (or +=) sourceᵀ, source being rows × cols row-major.</summary>
    private static void AddTransposed<T>(ReadOnlySpan<T> source, Span<T> destination, int rows, int cols, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = 0; c < cols; c++)
        {
            var line = destination.Slice(c * rows, rows);
            for (int r = 0; r < rows; r++)
            {
                line[r] = accumulate ? line[r] + source[r * cols + c] : source[r * cols + c];
            }
        }
    }

    /// <summary>
    /// Where one sample's group columns [k, l] are: the input itself when the window makes them so
    /// (<see cref="ConvGeometry.ColumnsAreInput"/>), else unfolded into <paramref name="cols"/>.
    /// </summary>
    private static (T[] Data, int Offset) SampleColumns<T>(T[] x, int xo, T[] cols, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.ColumnsAreInput)
        {
            return (x, xo);
        }
        Im2ColKernel.UnfoldSample(x, xo, cols, g.Window);
        return (cols, 0);
    }

    /// <summary>How many threads to split a batch over: all when the batch has the samples and the work to pay for it, else 1.</summary>
    internal static int BatchThreads(ConvGeometry g)
    {
        int threads = Math.Min(Parallelism.MaxThreads, g.N);
        long work = g.N * g.SampleWork;
        return threads > 1 && work >= 2 * ParallelWorkPerThread ? threads : 1;
    }

    /// <summary>
    /// Whether a batch run whole on the calling thread (<see cref="BatchThreads"/> 1) with more threads available lets
    /// each sample's product split over them: a batch too small to split whose samples are large (a batch of one).
    /// </summary>
    internal static bool SampleProductsSplit(ConvGeometry g) => Parallelism.MaxThreads > 1 && g.SampleWork >= 2 * ParallelWorkPerThread;

    /// <summary>
    /// Whether a split batch's products take the weight packed once (<see cref="PrepackedGemm{T}"/>): one group, and
    /// products that <see cref="Gemm.Multiply{T}"/> would not hand to its matrix-vector path (a single row or column).
    /// </summary>
    internal static bool PacksWeightOnce(ConvGeometry g, ConvMode mode) => g.Groups == 1 && g.Positions > 1 && mode switch
    {
        ConvMode.Forward => g.GroupOutChannels > 1,
        ConvMode.InputGrad => g.GroupK > 1,
        _ => false,
    };

    /// <summary>
    /// Samples per part of a batch split over <paramref name="threads"/> threads (see <see cref="ConvJob{T}"/>): one for
    /// the forward and the input gradient, whose parts write disjoint outputs; for the weight gradient, whose every part
    /// is a partial sum to add at the end, about <see cref="PartsPerThread"/> parts per thread.
    /// </summary>
    internal static int SamplesPerPart(ConvMode mode, int n, int threads) =>
        mode == ConvMode.WeightGrad ? Math.Max(1, (n + PartsPerThread * threads - 1) / (PartsPerThread * threads)) : 1;

    /// <summary>Adds the partial sums of parts 1 … <paramref name="parts"/> − 1 (held one after the other in <paramref name="partials"/>, part 0's first) into part 0's, in part order.</summary>
    internal static void SumPartials<T>(T[] partials, int parts, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 1; p < parts; p++)
        {
            var source = partials.AsSpan(p * length, length);
            var destination = partials.AsSpan(0, length);
            if (typeof(T) == typeof(float))
            {
                TensorPrimitives.Add(MemoryMarshal.Cast<T, float>(source), MemoryMarshal.Cast<T, float>(destination), MemoryMarshal.Cast<T, float>(destination));
            }
            else
            {
                TensorPrimitives.Add(MemoryMarshal.Cast<T, double>(source), MemoryMarshal.Cast<T, double>(destination), MemoryMarshal.Cast<T, double>(destination));
            }
        }
    }
}

/// <summary>Which of the three convolution products a <see cref="ConvJob{T}"/> computes.</summary>
internal enum ConvMode
{
    Forward,
    InputGrad,
    WeightGrad,
}

/// <summary>A per-thread column-matrix buffer, kept for the thread's lifetime so steady-state convolutions allocate nothing.</summary>
internal static class ColumnBuffer<T>
    where T : unmanaged
{
    [ThreadStatic]
    private static T[]? t_buffer;

    /// <summary>A buffer of at least <paramref name="length"/> elements with arbitrary contents.</summary>
    public static T[] Get(int length)
    {
        if (t_buffer is null || t_buffer.Length < length)
        {
            t_buffer = GC.AllocateUninitializedArray<T>(length);
        }
        return t_buffer;
    }
}
