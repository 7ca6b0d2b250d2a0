using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// Runs elementwise ops over tensors: contiguous data straight through the op's span form (SIMD via
/// TensorPrimitives), broadcast and strided data row by row with a scalar or gathered row.
/// </summary>
internal static class Elementwise
{
    public static Tensor Map<TOp>(Tensor x, TOp op) where TOp : struct, IUnaryOp
    {
        DTypeCheck.RequireFloating(typeof(TOp).Name, x); // named ops check first; this keeps a missed one from an InvalidCast
        var y = Tensor.Empty(x.ShapeArray, x.DType);
        var src = x.ContiguousRaw();
        if (x.DType == DType.Float32)
        {
            Map<float, TOp>(src, y, op);
        }
        else if (x.DType == DType.Float64)
        {
            Map<double, TOp>(src, y, op);
        }
        else
        {
            throw NotFloat(typeof(TOp).Name.Replace("Op", "", StringComparison.Ordinal), x.DType);
        }
        src.DisposeIfCopyOf(x);
        return y;
    }

    private static void Map<T, TOp>(Tensor src, Tensor y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IUnaryOp
    {
        int n = y.Numel;
        if (ParallelElementwise.ChunkCount(n) > 1)
        {
            ParallelElementwise.For(n, new UnaryChunk<T, TOp>(src.Data<T>(), src.Offset, y.Data<T>(), y.Offset, op));
            return;
        }
        op.Apply<T>(src.ContiguousSpan<T>(), y.ContiguousSpan<T>());
    }

    public static void CheckSameDType(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
        {
            throw new ArgumentException($"{op}: expected both tensors to have the same dtype, but got {a.DType} and {b.DType}. Convert one with To(DType.{a.DType}) first.");
        }
    }

    /// <summary>The error of a float-only kernel given another dtype: a clear message instead of an invalid cast inside.</summary>
    public static NotSupportedException NotFloat(string op, DType dtype) => DTypeCheck.Unsupported(op, dtype, null);

    public static Tensor Map<TOp>(string opName, Tensor a, Tensor b, TOp op) where TOp : struct, IBinaryOp
    {
        CheckSameDType(opName, a, b);
        DTypeCheck.RequireFloating(opName, a); // integer and bool operands take ElementwiseInteger; a missed one gets a clear error, not an InvalidCast
        var shape = Shapes.Broadcast(opName, a.ShapeArray, b.ShapeArray);
        var result = Tensor.Empty(shape, a.DType);
        if (a.DType == DType.Float32)
        {
            Run<float, TOp>(a, b, result, op);
        }
        else if (a.DType == DType.Float64)
        {
            Run<double, TOp>(a, b, result, op);
        }
        else
        {
            throw NotFloat(opName, a.DType);
        }
        return result;
    }

    /// <summary>Writes op(a, b) into <paramref name="result"/>, a contiguous tensor of the broadcast shape.</summary>
    public static void Run<T, TOp>(Tensor a, Tensor b, Tensor result, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IBinaryOp
    {
        int n = result.Numel;
        if (n == 0)
        {
            return;
        }
        bool aFull = a.Numel == n && a.IsContiguous;
        bool bFull = b.Numel == n && b.IsContiguous;
        bool bothFull = aFull && bFull && Shapes.SameShape(a.ShapeSpan, b.ShapeSpan);
        if ((bothFull || (aFull && b.Numel == 1) || (bFull && a.Numel == 1)) && ParallelElementwise.ChunkCount(n) > 1)
        {
            // The contiguous forms below, split over the cores; a length-1 operand is the scalar.
            bool aScalar = !bothFull && !aFull;
            bool bScalar = !bothFull && aFull;
            ParallelElementwise.For(n, new BinaryChunk<T, TOp>(
                a.Data<T>(), a.Offset, aScalar, b.Data<T>(), b.Offset, bScalar, result.Data<T>(), result.Offset, op));
            return;
        }
        Span<T> dst = result.ContiguousSpan<T>();
        if (bothFull)
        {
            op.Apply<T>(a.ContiguousSpan<T>(), b.ContiguousSpan<T>(), dst);
            return;
        }
        if (aFull && b.Numel == 1)
        {
            op.Apply(a.ContiguousSpan<T>(), b.Data<T>()[b.Offset], dst);
            return;
        }
        if (bFull && a.Numel == 1)
        {
            op.Apply(a.Data<T>()[a.Offset], b.ContiguousSpan<T>(), dst);
            return;
        }
        if (n >= MinElementsToPack)
        {
            bool packA = IsPermutedFull(a, n);
            bool packB = IsPermutedFull(b, n);
            if (packA || packB)
            {
                // A transposed or permuted operand of the full shape (x.T + y): one tiled copy into the result's
                // layout, then the contiguous (and parallel) path, instead of gathering one strided row at a time.
                // The copies go back to the pool at once: outside a TensorScope, 16 MB of garbage per x.T + y at
                // [2048, 2048] cost a gen-2 collection every few calls (median 4× the min in the strided bench).
                var ac = packA ? a.ContiguousRaw() : a;
                var bc = packB ? b.ContiguousRaw() : b;
                Run<T, TOp>(ac, bc, result, op);
                ac.DisposeIfCopyOf(a);
                bc.DisposeIfCopyOf(b);
                return;
            }
        }
        RunBroadcast<T, TOp>(a, b, result, op);
    }

    /// <summary>Below this many elements a strided operand is gathered row by row rather than copied whole.</summary>
    private const int MinElementsToPack = 1 << 12;

    private static bool IsPermutedFull(Tensor t, int n) => t.Numel == n && !t.IsContiguous && Array.IndexOf(t.StridesArray, 0) < 0;

    private static void RunBroadcast<T, TOp>(Tensor a, Tensor b, Tensor result, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IBinaryOp
    {
        var (shape, sa, sb) = StridedDims.Coalesce(result.ShapeArray,
            Shapes.BroadcastStrides(a.ShapeArray, a.StridesArray, result.ShapeArray),
            Shapes.BroadcastStrides(b.ShapeArray, b.StridesArray, result.ShapeArray));
        int inner = shape[^1];
        int rows = result.Numel / inner;
        var body = new BroadcastRows<T, TOp>(shape, a.Data<T>(), a.Offset, sa, b.Data<T>(), b.Offset, sb, result.Data<T>(), result.Offset, op);
        if (rows > 1 && ParallelElementwise.ChunkCount(result.Numel) > 1 && RowsIndependent<T>(a, b, result))
        {
            // A bias added to a batch of rows ([1024, 384] + [384] after a Linear's product): the rows split over the
            // cores, each computed by the same call on the same elements as in the serial loop.
            ParallelElementwise.ForRows(rows, inner, body);
            return;
        }
        body.Run(0, rows);
    }

    /// <summary>
    /// Whether rows of the result may be written in any order: no operand shares the result's array, except an
    /// in-place operand that is the result itself (each row then reads only the row it writes).
    /// </summary>
    private static bool RowsIndependent<T>(Tensor a, Tensor b, Tensor result)
        where T : unmanaged
    {
        T[] storage = result.Data<T>();
        return IsResultOrApart<T>(a, result, storage) && IsResultOrApart<T>(b, result, storage);
    }

    private static bool IsResultOrApart<T>(Tensor operand, Tensor result, T[] storage)
        where T : unmanaged =>
        !ReferenceEquals(operand.Data<T>(), storage)
        || (operand.Offset == result.Offset && operand.IsContiguous && Shapes.SameShape(operand.ShapeSpan, result.ShapeSpan));
}
