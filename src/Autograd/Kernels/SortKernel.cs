using System.Buffers;
using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// The order of the elements along one dim, as PyTorch's sort: NaN counts as larger than every number (last ascending,
/// first descending), and equal elements keep their original order (a stable sort, which is what PyTorch 1.13's CPU
/// sort gives whether or not stable is asked for).
/// </summary>
internal static class SortKernel
{
    /// <summary>
    /// For every lane along <paramref name="dim"/> of <paramref name="x"/>, the positions of its first
    /// <paramref name="k"/> elements in sorted order, as an Int64 tensor of x's shape with that dim cut to k.
    /// </summary>
    public static Tensor Order(string op, Tensor x, int dim, int k, bool descending)
    {
        var shape = x.Rank == 0 ? [1] : x.ShapeArray;
        int size = shape[dim];
        var outShape = shape.AsSpan().ToArray();
        outShape[dim] = k;
        int outer = Shapes.Numel(shape.AsSpan(0, dim));
        int inner = Shapes.Numel(shape.AsSpan(dim + 1));
        var result = new long[Shapes.Numel(outShape)];
        switch (x.DType)
        {
            case DType.Float32: Run<float>(x, outer, size, inner, k, descending, result); break;
            case DType.Float64: Run<double>(x, outer, size, inner, k, descending, result); break;
            case DType.Int64: Run<long>(x, outer, size, inner, k, descending, result); break;
            case DType.Int32: Run<int>(x, outer, size, inner, k, descending, result); break;
            case DType.UInt8: Run<byte>(x, outer, size, inner, k, descending, result); break;
            case DType.Float16: Run<Half>(x, outer, size, inner, k, descending, result); break;
            case DType.Bool: Run<byte>(AsBytes(x), outer, size, inner, k, descending, result); break; // false < true, as torch
            default:
                throw new NotSupportedException($"{op}: not implemented for {x.DType.TorchName()} in MiniTorch; convert with .To(DType.Int64) or .To(DType.Float32) first.");
        }
        return Tensor.Wrap(result, x.Rank == 0 ? [] : outShape);
    }

    /// <summary>A Bool tensor's flags as a UInt8 tensor of its shape (0 and 1), row-major.</summary>
    private static Tensor AsBytes(Tensor x)
    {
        var flags = new bool[x.Numel];
        x.CopyRowMajor(flags);
        return Tensor.Wrap(Array.ConvertAll(flags, static f => f ? (byte)1 : (byte)0), x.ShapeArray);
    }

    private static void Run<T>(Tensor x, int outer, int size, int inner, int k, bool descending, long[] result) where T : unmanaged, INumber<T>
    {
        var values = ArrayPool<T>.Shared.Rent(Math.Max(x.Numel, 1));
        x.CopyRowMajor(values);
        var lane = new T[size];
        var order = new int[size];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int start = o * size * inner + i;
                for (int j = 0; j < size; j++)
                {
                    lane[j] = values[start + j * inner];
                    order[j] = j;
                }
                order.AsSpan().Sort(new LaneComparer<T>(lane, descending));
                int outStart = o * k * inner + i;
                for (int j = 0; j < k; j++)
                {
                    result[outStart + j * inner] = order[j];
                }
            }
        }
        ArrayPool<T>.Shared.Return(values);
    }

    /// <summary>Compares two positions of a lane by value (NaN largest), then by position, so any sort gives the stable order.</summary>
    private readonly struct LaneComparer<T>(T[] lane, bool descending) : IComparer<int> where T : INumber<T>
    {
        public int Compare(int a, int b)
        {
            int c = CompareValues(lane[a], lane[b]);
            return c != 0 ? (descending ? -c : c) : a.CompareTo(b);
        }

        private static int CompareValues(T u, T v)
        {
            bool un = T.IsNaN(u);
            bool vn = T.IsNaN(v);
            if (un || vn)
            {
                return un == vn ? 0 : un ? 1 : -1;
            }
            return u < v ? -1 : u > v ? 1 : 0;
        }
    }
}
