namespace MiniTorch.Kernels;

/// <summary>
/// The windows of an averaging pool along one axis: output position o averages input positions [Start[o], End[o])
/// and divides by Count[o] (the factor of the divisor that belongs to this axis). Average pooling and adaptive
/// average pooling both have windows of this form, and their divisors factor into a row part times a column part.
/// </summary>
internal sealed class PoolAxis
{
    private PoolAxis(int size, int[] start, int[] end, int[] count)
    {
        Size = size;
        Start = start;
        End = end;
        Count = count;
    }

    /// <summary>The input's length along the axis.</summary>
    public int Size { get; }

    /// <summary>The output's length along the axis.</summary>
    public int Out => Start.Length;

    /// <summary>The first input position of each window (inside the input).</summary>
    public int[] Start { get; }

    /// <summary>One past the last input position of each window (inside the input).</summary>
    public int[] End { get; }

    /// <summary>The divisor's factor for each window.</summary>
    public int[] Count { get; }

    /// <summary>
    /// The windows of <c>avg_pool2d</c>: window o covers [o·stride − pad, o·stride − pad + kernel) clipped to the padded
    /// input [−pad, size + pad); with <paramref name="countIncludePad"/> the divisor counts that clipped window, padding
    /// included, else only its part inside the input (PyTorch's CPU kernel).
    /// </summary>
    public static PoolAxis Window(int size, int kernel, int stride, int pad, int outSize, bool countIncludePad)
    {
        var start = new int[outSize];
        var end = new int[outSize];
        var count = new int[outSize];
        for (int o = 0; o < outSize; o++)
        {
            int s = o * stride - pad;
            int e = Math.Min(s + kernel, size + pad);
            int padded = e - s;
            s = Math.Max(s, 0);
            e = Math.Min(e, size);
            start[o] = s;
            end[o] = Math.Max(e, s);
            count[o] = countIncludePad ? padded : end[o] - s;
        }
        return new PoolAxis(size, start, end, count);
    }

    /// <summary>The windows of <c>adaptive_avg_pool2d</c>: window o covers [⌊o·size/out⌋, ⌈(o+1)·size/out⌉).</summary>
    public static PoolAxis Adaptive(int size, int outSize)
    {
        var start = new int[outSize];
        var end = new int[outSize];
        var count = new int[outSize];
        for (int o = 0; o < outSize; o++)
        {
            start[o] = (int)((long)o * size / outSize);
            end[o] = (int)(((long)(o + 1) * size + outSize - 1) / outSize);
            count[o] = end[o] - start[o];
        }
        return new PoolAxis(size, start, end, count);
    }

    /// <summary>
    /// PyTorch's pooling output length: ⌊(size + 2·pad − dilation·(kernel − 1) − 1 + (ceil ? stride − 1 : 0)) / stride⌋ + 1,
    /// less one when ceil mode would start the last window beyond the input and its left padding.
    /// </summary>
    public static long OutputLength(int size, int kernel, int stride, int pad, int dilation, bool ceilMode)
    {
        long numerator = (long)size + 2L * pad - (long)dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long length = Math.DivRem(numerator, stride, out long remainder) + (remainder < 0 ? -1 : 0) + 1;
        if (ceilMode && (length - 1) * stride >= (long)size + pad)
        {
            length--;
        }
        return length;
    }
}

/// <summary>The sizes of a max pool: planes (N·C) of H × W, the window, and the output OutH × OutW.</summary>
internal readonly record struct MaxPoolGeometry(
    int Planes, int H, int W, int KernelH, int KernelW, int StrideH, int StrideW, int PadH, int PadW, int DilationH, int DilationW, int OutH, int OutW);

/// <summary>
/// Which input element (h·W + w within its plane, −1 for none) each output of a max pool took; what the backward
/// scatters the gradient to and the double backward gathers from. Shared, never written after the forward.
/// </summary>
/// <remarks>
/// The indices live in an Int32 tensor rather than a bare array so that their memory is pooled like the step's other
/// tensors (returned when a <see cref="TensorScope"/> ends, or recycled by <see cref="MemoryReuse"/> once unreachable):
/// a bare array per pooling layer and step fed the large-object heap and gen-2 collections of an unscoped CNN loop.
/// </remarks>
internal sealed class PoolIndices(Tensor index, MaxPoolGeometry geometry)
{
    private readonly Tensor _index = index;

    /// <summary>The index array (exactly one element per output); throws <see cref="ObjectDisposedException"/> once its scope ended.</summary>
    public int[] Index => _index.Data<int>();

    public MaxPoolGeometry Geometry { get; } = geometry;
}
