using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Kernels;

/// <summary>
/// A 3×3 convolution with unit stride and dilation (one group) by Winograd's minimal filtering F(2×2, 3×3), as cuDNN
/// and NNPACK offer it: each 2×2 block of outputs is computed from a 4×4 tile of the input as Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A,
/// so the products over the channels become 16 matrix products, U_ξ (O × C) · V_ξ (C × tiles), one per position ξ
/// of the 4×4 transform: 16 multiply-adds per 4 outputs and (output, input) channel pair instead of 36, 2.25× fewer.
/// </summary>
/// <remarks>
/// <para>
/// Used for the forward and, with the weight flipped and transposed and the padding 2 − p, for the input gradient,
/// which is then the same kind of convolution of the output gradient. The weight gradient keeps the direct products.
/// </para>
/// <para>
/// Results differ from the direct sum by rounding only: the transforms add a few values each (and halve some, which
/// is exact), which in float32 leaves the outputs within a few units of 1e-7 of the direct products relative to the
/// sum of their terms' magnitudes (tests bound it), as with cuDNN's Winograd algorithms; float64 is the same to 1e-15.
/// As there, an infinite input can give NaN where the direct sum gives ±∞: the input transform subtracts inputs.
/// </para>
/// <para>
/// Samples are split over the threads; each transforms its sample's input into 16 tile matrices (in L2), multiplies
/// them by the weight's 16 matrices, packed once per call by the calling thread (<see cref="PrepackedGemm{T}"/>), and
/// transforms the 16 products back into the sample's output. In float32 with AVX2, rows of a whole number of 8-tile
/// vectors are transformed 8 tiles at a time from zero-padded planes (deinterleaving each row's even and odd columns),
/// into matrices the GEMM packs by copying rows: 0.95 of the step's time against transforming channel vectors from a
/// channels-last copy, whose tile-major matrices need a transposing pack; other shapes and float64 take that path.
/// </para>
/// </remarks>
internal sealed unsafe class ConvWinograd<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Positions = 16;

    // Channels (in and out) below which the 16 products are too thin for the transforms to pay.
    private const int MinChannels = 16;

    // Output positions per channel below which a sample's products (one column per tile, a quarter of the positions)
    // are narrower than the GEMM's strips: the digits CNN's 4×4 layer stays with the direct products.
    private const int MinPositions = 64;

    [ThreadStatic]
    private static ConvWinograd<T>? t_instance;

    [ThreadStatic]
    private static T[]? t_padded, t_tiles, t_products;

    private readonly PrepackedGemm<T>[] _weights = new PrepackedGemm<T>[Positions];
    private T[] _transformed = [];

    // The current call's problem: input (C, H, W) per sample, output (O, OutH, OutW) per sample, padding, bias, epilogue.
    private T[]? _input, _bias, _output;
    private int _inputOffset, _biasOffset, _c, _h, _w, _o, _padH, _padW, _outH, _outW, _tilesH, _tilesW;
    private ConvEpilogue<T> _epilogue;

    private ConvWinograd()
    {
        for (int i = 0; i < Positions; i++)
        {
            _weights[i] = new PrepackedGemm<T>();
        }
    }

    /// <summary>The calling thread's instance, which its parts read from other threads during one call.</summary>
    public static ConvWinograd<T> ForThisThread => t_instance ??= new ConvWinograd<T>();

    /// <summary>Turned off by tests and the A/B harness to run the direct products instead.</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>Whether the forward of <paramref name="g"/> runs here: a 3×3 window, unit stride and dilation, one group, padding at most 2.</summary>
    public static bool AppliesToForward(ConvGeometry g) => Fits(g) && g.InChannels >= MinChannels && g.OutChannels >= MinChannels;

    /// <summary>
    /// Whether the input gradient of <paramref name="g"/> runs here (as the forward of its adjoint, which swaps the
    /// channel counts and keeps the sizes: the same conditions).
    /// </summary>
    public static bool AppliesToInputGrad(ConvGeometry g) => AppliesToForward(g);

    // A batch smaller than the threads leaves them to the direct products, which split each sample's product.
    private static bool Fits(ConvGeometry g) =>
        Enabled && g.N > 0 && g.N >= Parallelism.MaxThreads && g.Groups == 1
        && g.Window is { KernelH: 3, KernelW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadH: <= 2, PadW: <= 2 }
        && g.Window.OutH * g.Window.OutW >= MinPositions;

    /// <summary>y (N, O, OutH, OutW), contiguous from 0, = conv(x, w) + bias, then <paramref name="epilogue"/> sample by sample.</summary>
    public static void Forward(T[] x, int xOffset, T[] w, int wOffset, T[]? bias, int biasOffset, T[] y, ConvGeometry g, ConvEpilogue<T> epilogue)
    {
        var win = g.Window;
        var job = ForThisThread;
        job.TransformWeight(w, wOffset, g.OutChannels, g.InChannels, adjoint: false);
        job.Run(x, xOffset, g.N, g.InChannels, win.H, win.W, g.OutChannels, win.PadH, win.PadW, bias, biasOffset, y, epilogue);
    }

    /// <summary>dx (N, C, H, W), contiguous from 0, = the adjoint of conv in x applied to gy: gy convolved with the flipped, transposed weight.</summary>
    public static void InputGrad(T[] gy, int gyOffset, T[] w, int wOffset, T[] dx, ConvGeometry g)
    {
        var win = g.Window;
        var job = ForThisThread;
        job.TransformWeight(w, wOffset, g.OutChannels, g.InChannels, adjoint: true);
        job.Run(gy, gyOffset, g.N, g.OutChannels, win.OutH, win.OutW, g.InChannels, 2 - win.PadH, 2 - win.PadW, null, 0, dx, default);
    }

    /// <summary>
    /// Packs U_ξ = (G g Gᵀ)_ξ for every output and input channel pair of the weight (O, C, 3, 3): O × C matrices, or for
    /// the <paramref name="adjoint"/> (the weight flipped in both taps and with its channels swapped) C × O ones.
    /// </summary>
    private void TransformWeight(T[] w, int wOffset, int o, int c, bool adjoint)
    {
        int rows = adjoint ? c : o, columns = adjoint ? o : c, matrix = rows * columns;
        if (_transformed.Length < Positions * matrix)
        {
            _transformed = new T[Positions * matrix];
        }
        Span<T> u = stackalloc T[Positions];
        for (int oi = 0; oi < o; oi++)
        {
            for (int ci = 0; ci < c; ci++)
            {
                // The adjoint reads the taps in reverse: (2 − i, 2 − j).
                WinogradTile.TransformFilter(w.AsSpan(wOffset + (oi * c + ci) * 9, 9), adjoint, u);
                int cell = adjoint ? ci * columns + oi : oi * columns + ci;
                for (int xi = 0; xi < Positions; xi++)
                {
                    _transformed[xi * matrix + cell] = u[xi];
                }
            }
        }
        for (int xi = 0; xi < Positions; xi++)
        {
            _weights[xi].Pack(rows, columns, StridedMatrix<T>.RowMajor(_transformed, xi * matrix, columns));
        }
    }

    private void Run(T[] input, int inputOffset, int n, int c, int h, int w, int o, int padH, int padW, T[]? bias, int biasOffset, T[] output,
        ConvEpilogue<T> epilogue)
    {
        (_input, _inputOffset, _c, _h, _w, _o, _padH, _padW, _bias, _biasOffset, _output) = (input, inputOffset, c, h, w, o, padH, padW, bias, biasOffset, output);
        _epilogue = epilogue;
        _outH = h + 2 * padH - 2;
        _outW = w + 2 * padW - 2;
        _tilesH = (_outH + 1) / 2;
        _tilesW = (_outW + 1) / 2;
        try
        {
            int threads = Math.Min(Parallelism.MaxThreads, n);
            ParallelRunner.Run(this, n, threads);
        }
        finally
        {
            _input = _bias = _output = null;
            _epilogue = default;
            foreach (var weight in _weights)
            {
                weight.Clear();
            }
        }
    }

    /// <summary>One sample: its input transformed, the 16 products, and the output transform.</summary>
    public void Execute(int sample)
    {
        int tiles = _tilesH * _tilesW;
        int paddedH = 2 * _tilesH + 2, paddedW = 2 * _tilesW + 2;
        T[] padded = PinnedBuffer.AtLeast(ref t_padded, paddedH * paddedW * _c);
        int tileStride = Stride(tiles * _c), productStride = Stride(_o * tiles);
        T[] transformed = PinnedBuffer.AtLeast(ref t_tiles, Positions * tileStride);
        T[] products = PinnedBuffer.AtLeast(ref t_products, Positions * productStride);
        // Rows of whole vectors of tiles are transformed together from the padded planes, into row-major V_ξ (C × tiles)
        // that the GEMM packs by copying rows; other shapes go channel vector by channel vector, tile-major.
        bool byTiles = typeof(T) == typeof(float) && Avx2.IsSupported && _tilesW % Vector256<float>.Count == 0;
        if (byTiles)
        {
            PaddedPlanes(sample, padded, paddedH, paddedW);
            TransformInputByTiles((float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(padded)), paddedH, paddedW,
                (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(transformed)), tileStride);
        }
        else
        {
            ChannelsLast(sample, padded, paddedW);
            TransformInput(padded, paddedW, transformed, tileStride);
        }
        for (int xi = 0; xi < Positions; xi++)
        {
            // B = V_ξ (C × tiles): row-major, or held tile-major (V[ξ][t][c]) and read with swapped strides.
            var b = byTiles ? StridedMatrix<T>.RowMajor(transformed, xi * tileStride, tiles) : new StridedMatrix<T>(transformed, xi * tileStride, 1, _c);
            _weights[xi].Multiply(tiles, b, products, xi * productStride, tiles, accumulate: false);
        }
        int sampleOut = _o * _outH * _outW;
        TransformOutput(products, tiles, productStride, _output!, sample * sampleOut);
        _epilogue.Apply(sample * sampleOut, sampleOut);
    }

    /// <summary>
    /// The sample's planes, each zero-padded by the padding before and by what the last tiles need after (paddedH ×
    /// paddedW): padded[(ch·paddedH + r)·paddedW + s] = x[ch, r − padH, s − padW].
    /// </summary>
    private void PaddedPlanes(int sample, T[] padded, int paddedH, int paddedW)
    {
        int h = _h, w = _w, plane = paddedH * paddedW;
        int rows = Math.Min(h, paddedH - _padH), columns = Math.Min(w, paddedW - _padW);
        T[] x = _input!;
        int offset = _inputOffset + sample * _c * h * w;
        for (int ch = 0; ch < _c; ch++)
        {
            var target = padded.AsSpan(ch * plane, plane);
            // Only the border is cleared: the rows and columns the image fills are overwritten.
            target[..(_padH * paddedW)].Clear();
            target[((_padH + rows) * paddedW)..].Clear();
            for (int r = 0; r < rows; r++)
            {
                // The side borders are a few elements: stores, not two Clear calls a row.
                var line = target.Slice((_padH + r) * paddedW, paddedW);
                for (int s = 0; s < _padW; s++)
                {
                    line[s] = T.Zero;
                }
                x.AsSpan(offset + (ch * h + r) * w, columns).CopyTo(line[_padW..]);
                for (int s = _padW + columns; s < paddedW; s++)
                {
                    line[s] = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// V[ξ][ch][t] = (Bᵀ d B)_ξ, 8 tiles of a tile row at a time: row i of the 8 tiles' inputs is the evens and odds
    /// of 16 consecutive values of padded row 2·ty + i from column 2·tx₀ (columns 0 and 1 of each tile) and of the 16
    /// from two columns on (columns 2 and 3).
    /// </summary>
    private void TransformInputByTiles(float* padded, int paddedH, int paddedW, float* transformed, nint positionStride)
    {
        int tiles = _tilesH * _tilesW;
        for (int ch = 0; ch < _c; ch++)
        {
            float* plane = padded + ch * (nint)paddedH * paddedW;
            float* v = transformed + ch * (nint)tiles;
            for (int ty = 0; ty < _tilesH; ty++)
            {
                for (int tx = 0; tx < _tilesW; tx += 8)
                {
                    float* d = plane + 2 * ty * (nint)paddedW + 2 * tx;
                    float* target = v + ty * _tilesW + tx;
                    WinogradTile.Split(d, out var d00, out var d01, out var d02, out var d03);
                    WinogradTile.Split(d + paddedW, out var d10, out var d11, out var d12, out var d13);
                    WinogradTile.Split(d + 2 * paddedW, out var d20, out var d21, out var d22, out var d23);
                    WinogradTile.Split(d + 3 * paddedW, out var d30, out var d31, out var d32, out var d33);
                    WinogradTile.StoreRow(d00 - d20, d01 - d21, d02 - d22, d03 - d23, target, positionStride);
                    WinogradTile.StoreRow(d10 + d20, d11 + d21, d12 + d22, d13 + d23, target + 4 * positionStride, positionStride);
                    WinogradTile.StoreRow(d20 - d10, d21 - d11, d22 - d12, d23 - d13, target + 8 * positionStride, positionStride);
                    WinogradTile.StoreRow(d10 - d30, d11 - d31, d12 - d32, d13 - d33, target + 12 * positionStride, positionStride);
                }
            }
        }
    }

    /// <summary>
    /// The sample's input as pixels of C channels, zero-padded by the padding before and by what the last tiles need
    /// after: padded[(r·paddedW + s)·C + ch] = x[ch, r − padH, s − padW].
    /// </summary>
    private void ChannelsLast(int sample, T[] padded, int paddedW)
    {
        int c = _c, h = _h, w = _w, plane = h * w;
        padded.AsSpan(0, (2 * _tilesH + 2) * paddedW * c).Clear();
        T[] x = _input!;
        int offset = _inputOffset + sample * c * plane;
        // Rows of the image that the tiles read: those past the last tile's reach are never used.
        int rows = Math.Min(h, 2 * _tilesH + 2 - _padH), columns = Math.Min(w, paddedW - _padW);
        int block = AvxTranspose.BlockSize<T>();
        int sBlocks = block == 0 ? 0 : columns / block * block, cBlocks = block == 0 ? 0 : c / block * block;
        for (int r = 0; r < rows; r++)
        {
            int rowOffset = offset + r * w, destination = ((r + _padH) * paddedW + _padW) * c;
            if (sBlocks > 0 && cBlocks > 0)
            {
                // padded[destination + s·C + ch] = x[rowOffset + s + ch·plane] over whole blocks, through register transposes.
                AvxTranspose.CopyBlocks(x, rowOffset, plane, padded, destination, c, 0, sBlocks, 0, cBlocks);
            }
            for (int ch = 0; ch < c; ch++)
            {
                for (int s = ch < cBlocks ? sBlocks : 0; s < columns; s++)
                {
                    padded[destination + s * c + ch] = x[rowOffset + ch * plane + s];
                }
            }
        }
    }

    /// <summary>V[ξ][t][ch] = (Bᵀ d B)_ξ of each tile t's 4×4 input d, channels as vectors; Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].</summary>
    private void TransformInput(T[] padded, int paddedW, T[] transformed, int positionStride)
    {
        int c = _c, vector = Vector<T>.Count, whole = c / vector * vector;
        fixed (T* pp = padded, vp = transformed)
        {
            for (int ty = 0; ty < _tilesH; ty++)
            {
                for (int tx = 0; tx < _tilesW; tx++)
                {
                    T* d = pp + ((2 * ty) * paddedW + 2 * tx) * (nint)c;
                    T* v = vp + (ty * _tilesW + tx) * (nint)c;
                    nint rowStride = (nint)paddedW * c;
                    int ch = 0;
                    for (; ch < whole; ch += vector)
                    {
                        WinogradTile.TransformTile(d + ch, c, rowStride, v + ch, positionStride);
                    }
                    for (; ch < c; ch++)
                    {
                        WinogradTile.TransformTileScalar(d + ch, c, rowStride, v + ch, positionStride);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The sample's output from the products M_ξ (O × tiles): each tile's 2×2 outputs Aᵀ m A (Aᵀ = [1 1 1 0; 0 1 −1 −1])
    /// plus the bias, tiles as vectors, the outputs past an odd edge dropped.
    /// </summary>
    private void TransformOutput(T[] products, int tiles, nint position, T[] y, int yOffset)
    {
        int vector = Vector<T>.Count, outH = _outH, outW = _outW, tilesW = _tilesW;
        bool interleave = typeof(T) == typeof(float) && Avx.IsSupported && vector == Vector256<float>.Count;
        T* block = stackalloc T[4 * vector];
        fixed (T* mp = products, yp = y)
        {
            for (int oi = 0; oi < _o; oi++)
            {
                T b = _bias is null ? T.Zero : _bias[_biasOffset + oi];
                T* plane = yp + yOffset + oi * (nint)outH * outW;
                for (int ty = 0; ty < _tilesH; ty++)
                {
                    int oh = 2 * ty;
                    bool lower = oh + 1 < outH;
                    for (int tx0 = 0; tx0 < tilesW; tx0 += vector)
                    {
                        int count = Math.Min(vector, tilesW - tx0);
                        T* m = mp + oi * (nint)tiles + ty * tilesW + tx0;
                        T* row = plane + oh * (nint)outW + 2 * tx0;
                        if (count == vector)
                        {
                            WinogradTile.OutputTiles(m, position, b, block, vector);
                            if (interleave && 2 * (tx0 + vector) <= outW)
                            {
                                // The tiles' two outputs side by side: each output row of the chunk is two stores.
                                WinogradTile.StoreInterleaved((float*)block, (float*)block + vector, (float*)row);
                                if (lower)
                                {
                                    WinogradTile.StoreInterleaved((float*)block + 2 * vector, (float*)block + 3 * vector, (float*)(row + outW));
                                }
                                continue;
                            }
                        }
                        else
                        {
                            WinogradTile.OutputTilesScalar(m, position, b, block, vector, count);
                        }
                        for (int e = 0; e < count; e++)
                        {
                            T* pair = row + 2 * e;
                            bool right = 2 * (tx0 + e) + 1 < outW;
                            pair[0] = block[e];
                            if (right)
                            {
                                pair[1] = block[vector + e];
                            }
                            if (lower)
                            {
                                pair[outW] = block[2 * vector + e];
                                if (right)
                                {
                                    pair[outW + 1] = block[3 * vector + e];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Elements from one transform position's matrix to the next: at least <paramref name="length"/>, and not a multiple
    /// of 4 KiB, whose 16 loads or stores of one tile would otherwise all fall into one set of the L1 cache and evict
    /// each other (the output transform took 28% of the forward before).
    /// </summary>
    private static int Stride(int length)
    {
        int line = 64 / sizeof(T);
        int stride = (length + line - 1) / line * line;
        return stride * sizeof(T) % 4096 == 0 ? stride + line : stride;
    }
}
