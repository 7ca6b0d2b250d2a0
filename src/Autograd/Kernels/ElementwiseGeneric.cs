namespace MiniTorch.Kernels;

/// <summary>
/// A binary map from elements of <typeparamref name="T"/> to elements of <typeparamref name="TOut"/> over contiguous
/// spans, with scalar forms for broadcast rows: the kernels of integer, bool and comparison ops, whose element and
/// result types are not the one floating type of <see cref="IBinaryOp"/>. Implemented by structs, so every call is specialised.
/// </summary>
internal interface ISpanBinary<T, TOut> where T : unmanaged where TOut : unmanaged
{
    void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<TOut> d);

    void Apply(ReadOnlySpan<T> x, T y, Span<TOut> d);

    void Apply(T x, ReadOnlySpan<T> y, Span<TOut> d);
}

/// <summary>
/// Runs an <see cref="ISpanBinary{T, TOut}"/> over two tensors of one element type with broadcasting: contiguous
/// operands (or one of them a single element) in one call, anything else row by row with strided rows gathered.
/// Serial: integer, bool and mask ops are not the hot paths that <see cref="Elementwise.Run{T, TOp}"/> splits over cores.
/// </summary>
internal static class ElementwiseGeneric
{
    public static Tensor Map<T, TOut, TOp>(string opName, Tensor a, Tensor b, DType resultType, TOp op)
        where T : unmanaged where TOut : unmanaged where TOp : struct, ISpanBinary<T, TOut>
    {
        var shape = Shapes.Broadcast(opName, a.ShapeArray, b.ShapeArray);
        var result = Tensor.Empty(shape, resultType);
        Run<T, TOut, TOp>(a, b, result, op);
        return result;
    }

    public static void Run<T, TOut, TOp>(Tensor a, Tensor b, Tensor result, TOp op)
        where T : unmanaged where TOut : unmanaged where TOp : struct, ISpanBinary<T, TOut>
    {
        int n = result.Numel;
        if (n == 0)
        {
            return;
        }
        bool aFull = a.Numel == n && a.IsContiguous;
        bool bFull = b.Numel == n && b.IsContiguous;
        Span<TOut> dst = result.ContiguousSpan<TOut>();
        if (aFull && bFull && Shapes.SameShape(a.ShapeSpan, b.ShapeSpan))
        {
            op.Apply(a.ContiguousSpan<T>(), b.ContiguousSpan<T>(), dst);
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
        int[] shape = result.ShapeArray;
        int rank = shape.Length;
        int[] sa = Shapes.BroadcastStrides(a.ShapeArray, a.StridesArray, shape);
        int[] sb = Shapes.BroadcastStrides(b.ShapeArray, b.StridesArray, shape);
        T[] da = a.Data<T>();
        T[] db = b.Data<T>();
        int inner = shape[rank - 1];
        int ia = sa[rank - 1];
        int ib = sb[rank - 1];
        T[]? rowA = ia != 1 && ia != 0 ? new T[inner] : null;
        T[]? rowB = ib != 1 && ib != 0 ? new T[inner] : null;
        var counter = new int[rank];
        int oa = a.Offset;
        int ob = b.Offset;
        int outer = n / inner;
        for (int o = 0; o < outer; o++)
        {
            var d = dst.Slice(o * inner, inner);
            if (ia == 0 && ib == 0)
            {
                op.Apply(da.AsSpan(oa, 1), db.AsSpan(ob, 1), d.Slice(0, 1));
                d.Slice(1).Fill(d[0]);
            }
            else if (ia == 0)
            {
                op.Apply(da[oa], StridedDims.Row(db, ob, ib, inner, rowB), d);
            }
            else if (ib == 0)
            {
                op.Apply(StridedDims.Row(da, oa, ia, inner, rowA), db[ob], d);
            }
            else
            {
                op.Apply(StridedDims.Row(da, oa, ia, inner, rowA), StridedDims.Row(db, ob, ib, inner, rowB), d);
            }
            StridedDims.NextRow(counter, shape, sa, sb, ref oa, ref ob);
        }
    }
}
