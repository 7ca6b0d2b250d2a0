using System.Buffers;
using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// The Int64 position of the largest (or smallest) element along one dim, as PyTorch's argmax/argmin and the indices of
/// max(dim)/min(dim): the first of equal extremes, and the first NaN when there is one (NaN propagates, as in PyTorch).
/// </summary>
internal static class ArgExtremeKernel
{
    /// <summary>The indices along <paramref name="dim"/> of <paramref name="x"/>, shaped as x with that dim kept as size 1.</summary>
    /// <remarks>Bool input is taken where <paramref name="allowBool"/> (PyTorch's max/min along a dim take it, argmax/argmin do not).</remarks>
    public static Tensor Find(string op, Tensor x, int dim, bool largest, bool allowBool = false)
    {
        var shape = x.ShapeArray;
        if (x.Rank == 0)
        {
            return Tensor.Wrap(new long[1], []);
        }
        int size = shape[dim];
        var kept = shape.AsSpan().ToArray();
        kept[dim] = 1;
        if (size == 0 && x.Numel == 0 && Shapes.Numel(kept) != 0)
        {
            // PyTorch's words.
            throw new ArgumentException($"{op}: Expected reduction dim {dim} to have non-zero size (shape {Shapes.Format(shape)}).");
        }
        int outer = Shapes.Numel(shape.AsSpan(0, dim));
        int inner = Shapes.Numel(shape.AsSpan(dim + 1));
        var result = new long[Shapes.Numel(kept)];
        switch (x.DType)
        {
            case DType.Float32: Run<float>(x, outer, size, inner, largest, result); break;
            case DType.Float64: Run<double>(x, outer, size, inner, largest, result); break;
            case DType.Int64: Run<long>(x, outer, size, inner, largest, result); break;
            case DType.Int32: Run<int>(x, outer, size, inner, largest, result); break;
            case DType.UInt8: Run<byte>(x, outer, size, inner, largest, result); break;
            case DType.Float16: Run<Half>(x, outer, size, inner, largest, result); break;
            case DType.Bool when allowBool:
                var flags = new bool[x.Numel];
                x.CopyRowMajor(flags);
                Run<byte>(Tensor.Wrap(Array.ConvertAll(flags, static f => f ? (byte)1 : (byte)0), x.ShapeArray), outer, size, inner, largest, result);
                break;
            default:
                throw new NotSupportedException($"{op}: not implemented for {x.DType.TorchName()} (PyTorch's \"{op.ToLowerInvariant()}_cpu\" is not implemented for '{x.DType.ScalarTypeName()}' either); convert with .To(DType.Float32) or .To(DType.Int64).");
        }
        return Tensor.Wrap(result, kept);
    }

    private static void Run<T>(Tensor x, int outer, int size, int inner, bool largest, long[] result) where T : unmanaged, INumber<T>
    {
        var values = ArrayPool<T>.Shared.Rent(Math.Max(x.Numel, 1));
        x.CopyRowMajor(values);
        var best = ArrayPool<T>.Shared.Rent(Math.Max(inner, 1));
        var nan = ArrayPool<bool>.Shared.Rent(Math.Max(inner, 1));
        for (int o = 0; o < outer; o++)
        {
            int block = o * size * inner;
            var row = result.AsSpan(o * inner, inner);
            row.Clear();
            for (int i = 0; i < inner; i++)
            {
                best[i] = values[block + i];
                nan[i] = T.IsNaN(best[i]);
            }
            for (int j = 1; j < size; j++)
            {
                int start = block + j * inner;
                for (int i = 0; i < inner; i++)
                {
                    T v = values[start + i];
                    if (nan[i])
                    {
                        continue;
                    }
                    if (T.IsNaN(v))
                    {
                        nan[i] = true;
                        row[i] = j;
                    }
                    else if (largest ? v > best[i] : v < best[i])
                    {
                        best[i] = v;
                        row[i] = j;
                    }
                }
            }
        }
        ArrayPool<T>.Shared.Return(values);
        ArrayPool<T>.Shared.Return(best);
        ArrayPool<bool>.Shared.Return(nan);
    }
}
