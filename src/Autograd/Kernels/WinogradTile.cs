using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Kernels;

/// <summary>
/// The tile arithmetic of Winograd's F(2×2, 3×3) for <see cref="ConvWinograd{T}"/>: the input transform Bᵀ d B of 4×4
/// tiles (Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]) into the 16 transform positions ξ = 4i + j, and the output
/// transform Aᵀ m A (Aᵀ = [1 1 1 0; 0 1 −1 −1]) back to 2×2 outputs, on vectors of channels or of tiles. Only adds
/// and subtracts: each position's value is the same whichever of these forms computes it.
/// </summary>
internal static unsafe class WinogradTile
{
    /// <summary>
    /// u[4i + j] = (G g Gᵀ)[i, j] for one 3×3 filter g (its 9 taps row by row, read in reverse when
    /// <paramref name="reversed"/>); G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
    /// </summary>
    public static void TransformFilter<T>(ReadOnlySpan<T> taps, bool reversed, Span<T> u)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5);
        Span<T> g = stackalloc T[9];
        Span<T> t = stackalloc T[12];
        for (int i = 0; i < 9; i++)
        {
            g[i] = reversed ? taps[8 - i] : taps[i];
        }
        // t = G g (4 × 3), then u = t Gᵀ (4 × 4).
        for (int j = 0; j < 3; j++)
        {
            t[j] = g[j];
            t[3 + j] = (g[j] + g[3 + j] + g[6 + j]) * half;
            t[6 + j] = (g[j] - g[3 + j] + g[6 + j]) * half;
            t[9 + j] = g[6 + j];
        }
        for (int i = 0; i < 4; i++)
        {
            T t0 = t[i * 3], t1 = t[i * 3 + 1], t2 = t[i * 3 + 2];
            u[i * 4] = t0;
            u[i * 4 + 1] = (t0 + t1 + t2) * half;
            u[i * 4 + 2] = (t0 - t1 + t2) * half;
            u[i * 4 + 3] = t2;
        }
    }

    /// <summary>
    /// V at positions ξ (stride <paramref name="position"/>) = (Bᵀ d B)_ξ for a vector of channels of one tile: d's
    /// pixels <paramref name="pixel"/> apart in a row, its rows <paramref name="row"/> apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransformTile<T>(T* d, nint pixel, nint row, T* v, nint position)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Per row i of the tile, its 4 columns' Bᵀ-combinations of the rows, then those combined along the row.
        T* r1 = d + row, r2 = d + 2 * row, r3 = d + 3 * row;
        Row(Load(d) - Load(r2), Load(d + pixel) - Load(r2 + pixel), Load(d + 2 * pixel) - Load(r2 + 2 * pixel), Load(d + 3 * pixel) - Load(r2 + 3 * pixel), v, position);
        Row(Load(r1) + Load(r2), Load(r1 + pixel) + Load(r2 + pixel), Load(r1 + 2 * pixel) + Load(r2 + 2 * pixel), Load(r1 + 3 * pixel) + Load(r2 + 3 * pixel), v + 4 * position, position);
        Row(Load(r2) - Load(r1), Load(r2 + pixel) - Load(r1 + pixel), Load(r2 + 2 * pixel) - Load(r1 + 2 * pixel), Load(r2 + 3 * pixel) - Load(r1 + 3 * pixel), v + 8 * position, position);
        Row(Load(r1) - Load(r3), Load(r1 + pixel) - Load(r3 + pixel), Load(r1 + 2 * pixel) - Load(r3 + 2 * pixel), Load(r1 + 3 * pixel) - Load(r3 + 3 * pixel), v + 12 * position, position);
    }

    /// <summary>A row of Bᵀ d combined along the row (· B) and stored at 4 consecutive transform positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Row<T>(Vector<T> t0, Vector<T> t1, Vector<T> t2, Vector<T> t3, T* v, nint position)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Store(t0 - t2, v);
        Store(t1 + t2, v + position);
        Store(t2 - t1, v + 2 * position);
        Store(t1 - t3, v + 3 * position);
    }

    /// <summary><see cref="TransformTile{T}"/> for one channel.</summary>
    public static void TransformTileScalar<T>(T* d, nint pixel, nint row, T* v, nint position)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < 4; j++)
        {
            T* column = d + j * pixel;
            T d0 = column[0], d1 = column[row], d2 = column[2 * row], d3 = column[3 * row];
            v[j * position] = d0 - d2;
            v[(4 + j) * position] = d1 + d2;
            v[(8 + j) * position] = d2 - d1;
            v[(12 + j) * position] = d1 - d3;
        }
        for (int i = 0; i < 4; i++)
        {
            T* r = v + 4 * i * position;
            T t0 = r[0], t1 = r[position], t2 = r[2 * position], t3 = r[3 * position];
            r[0] = t0 - t2;
            r[position] = t1 + t2;
            r[2 * position] = t2 - t1;
            r[3 * position] = t1 - t3;
        }
    }

    /// <summary>Columns 0–3 of 8 tiles from one padded row: the evens and odds of row[0..16) and of row[2..18).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Split(float* row, out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3)
    {
        var a = Avx.LoadVector256(row);
        var b = Avx.LoadVector256(row + 8);
        var e = Avx.LoadVector256(row + 2);
        var f = Avx.LoadVector256(row + 10);
        // Within each 128-bit lane, then the 64-bit pairs put in order: [x0 x2 x4 x6 y0 y2 y4 y6] and the odd ones.
        c0 = Avx2.Permute4x64(Avx.Shuffle(a, b, 0x88).AsDouble(), 0xD8).AsSingle();
        c1 = Avx2.Permute4x64(Avx.Shuffle(a, b, 0xDD).AsDouble(), 0xD8).AsSingle();
        c2 = Avx2.Permute4x64(Avx.Shuffle(e, f, 0x88).AsDouble(), 0xD8).AsSingle();
        c3 = Avx2.Permute4x64(Avx.Shuffle(e, f, 0xDD).AsDouble(), 0xD8).AsSingle();
    }

    /// <summary><see cref="Row{T}"/> for 8 tiles of float32 at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRow(Vector256<float> t0, Vector256<float> t1, Vector256<float> t2, Vector256<float> t3, float* v, nint position)
    {
        Avx.Store(v, t0 - t2);
        Avx.Store(v + position, t1 + t2);
        Avx.Store(v + 2 * position, t2 - t1);
        Avx.Store(v + 3 * position, t1 - t3);
    }

    /// <summary>block[a·2 + b][e] = (Aᵀ m A)[a, b] + bias for the <paramref name="vector"/> tiles at <paramref name="m"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OutputTiles<T>(T* m, nint position, T bias, T* block, int vector)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // s_a = (Aᵀ m)_a for each column j, then combined along the row.
        var s00 = Load(m) + Load(m + 4 * position) + Load(m + 8 * position);
        var s01 = Load(m + position) + Load(m + 5 * position) + Load(m + 9 * position);
        var s02 = Load(m + 2 * position) + Load(m + 6 * position) + Load(m + 10 * position);
        var s03 = Load(m + 3 * position) + Load(m + 7 * position) + Load(m + 11 * position);
        var s10 = Load(m + 4 * position) - Load(m + 8 * position) - Load(m + 12 * position);
        var s11 = Load(m + 5 * position) - Load(m + 9 * position) - Load(m + 13 * position);
        var s12 = Load(m + 6 * position) - Load(m + 10 * position) - Load(m + 14 * position);
        var s13 = Load(m + 7 * position) - Load(m + 11 * position) - Load(m + 15 * position);
        var b = new Vector<T>(bias);
        Store(s00 + s01 + s02 + b, block);
        Store(s01 - s02 - s03 + b, block + vector);
        Store(s10 + s11 + s12 + b, block + 2 * vector);
        Store(s11 - s12 - s13 + b, block + 3 * vector);
    }

    /// <summary><see cref="OutputTiles{T}"/> for the first <paramref name="count"/> of the tiles.</summary>
    public static void OutputTilesScalar<T>(T* m, nint position, T bias, T* block, int vector, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> s = stackalloc T[8];
        for (int e = 0; e < count; e++)
        {
            for (int j = 0; j < 4; j++)
            {
                T m0 = m[j * position + e], m1 = m[(4 + j) * position + e], m2 = m[(8 + j) * position + e], m3 = m[(12 + j) * position + e];
                s[j] = m0 + m1 + m2;
                s[4 + j] = m1 - m2 - m3;
            }
            for (int a = 0; a < 2; a++)
            {
                block[2 * a * vector + e] = s[4 * a] + s[4 * a + 1] + s[4 * a + 2] + bias;
                block[(2 * a + 1) * vector + e] = s[4 * a + 1] - s[4 * a + 2] - s[4 * a + 3] + bias;
            }
        }
    }

    /// <summary>destination[2e] = left[e], destination[2e + 1] = right[e] for 8 floats each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(float* left, float* right, float* destination)
    {
        var a = Avx.LoadVector256(left);
        var b = Avx.LoadVector256(right);
        var low = Avx.UnpackLow(a, b);
        var high = Avx.UnpackHigh(a, b);
        Avx.Store(destination, Avx.Permute2x128(low, high, 0x20));
        Avx.Store(destination + 8, Avx.Permute2x128(low, high, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Load<T>(T* source)
        where T : unmanaged, IFloatingPointIeee754<T> => Unsafe.ReadUnaligned<Vector<T>>(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector<T> value, T* destination)
        where T : unmanaged, IFloatingPointIeee754<T> => Unsafe.WriteUnaligned(destination, value);
}
