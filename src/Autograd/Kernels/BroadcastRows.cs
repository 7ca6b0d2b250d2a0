using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// op(a, b) over a contiguous result whose operands broadcast or are strided: one call of the op per result row (the
/// innermost, coalesced dim), with a length-1 operand as a scalar and a strided row gathered first. Rows
/// [start, start + count) can run on any thread: each row is found from its own index, not from the one before.
/// </summary>
internal readonly struct BroadcastRows<T, TOp> : IChunkBody
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOp : struct, IBinaryOp
{
    private readonly int[] _shape;
    private readonly T[] _a;
    private readonly int _aOffset;
    private readonly int[] _aStrides;
    private readonly T[] _b;
    private readonly int _bOffset;
    private readonly int[] _bStrides;
    private readonly T[] _d;
    private readonly int _dOffset;
    private readonly TOp _op;

    /// <summary>The operands' strides are over <paramref name="shape"/>, the result's (coalesced) shape; 0 where an operand broadcasts.</summary>
    public BroadcastRows(int[] shape, T[] a, int aOffset, int[] aStrides, T[] b, int bOffset, int[] bStrides, T[] d, int dOffset, TOp op)
    {
        _shape = shape;
        (_a, _aOffset, _aStrides) = (a, aOffset, aStrides);
        (_b, _bOffset, _bStrides) = (b, bOffset, bStrides);
        (_d, _dOffset, _op) = (d, dOffset, op);
    }

    /// <summary>Rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 of the result.</summary>
    public void Run(int start, int count)
    {
        int rank = _shape.Length;
        int inner = _shape[rank - 1];
        int ia = _aStrides[rank - 1];
        int ib = _bStrides[rank - 1];
        T[]? rowA = ia > 1 || ia < 0 ? new T[inner] : null;
        T[]? rowB = ib > 1 || ib < 0 ? new T[inner] : null;
        var counter = new int[rank];
        int oa = _aOffset;
        int ob = _bOffset;
        StridedDims.StartRow(start, counter, _shape, _aStrides, _bStrides, ref oa, ref ob);
        for (int o = start; o < start + count; o++)
        {
            var d = _d.AsSpan(_dOffset + o * inner, inner);
            if (ia == 0 && ib == 0)
            {
                _op.Apply<T>(_a[oa], _b.AsSpan(ob, 1), d.Slice(0, 1));
                d.Slice(1).Fill(d[0]);
            }
            else if (ia == 0)
            {
                _op.Apply(_a[oa], StridedDims.Row(_b, ob, ib, inner, rowB), d);
            }
            else if (ib == 0)
            {
                _op.Apply(StridedDims.Row(_a, oa, ia, inner, rowA), _b[ob], d);
            }
            else
            {
                _op.Apply<T>(StridedDims.Row(_a, oa, ia, inner, rowA), StridedDims.Row(_b, ob, ib, inner, rowB), d);
            }
            StridedDims.NextRow(counter, _shape, _aStrides, _bStrides, ref oa, ref ob);
        }
    }
}
