using MiniTorch.Kernels;

namespace MiniTorch;

// Index assignment with autograd (PyTorch's __setitem__, masked_fill_, masked_scatter_, index_copy_, index_put_).
// Each in-place form records itself as its out-of-place op on the old value (HistoryAlias) and takes the result's
// history (RebaseHistory), as the other in-place ops do: the version counter is bumped, tensors saved before are
// caught by the version check, and gradients reach both the old value and the written values.
public partial class Tensor
{
    private void IndexAssign(TensorIndex[] indices, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(value);
        if (Array.Exists(indices, static ix => ix.Kind == TensorIndex.IndexKind.Tensor))
        {
            AdvancedAssign(indices, value);
            return;
        }
        // PyTorch copies with a cast (copy_); To is differentiable, so a value of the other dtype still gets its gradient.
        var v = value.DType == DType ? value : value.To(DType);
        CheckInPlace("IndexPut", v);
        var window = Detach().IndexView(indices);
        CheckValueBroadcasts(window, v);
        if (v.Rank > window.Rank)
        {
            v = v.Reshape(v.ShapeArray[(v.Rank - window.Rank)..]); // leading 1s, as PyTorch drops them
        }
        if ((Autograd.IsGradEnabled && (RequiresGrad || v.RequiresGrad)) || InPlaceCarriesTangents(v))
        {
            RebaseHistory(IndexPutOutOfPlace(HistoryAlias(), indices, IsolatedFromSelf(v)));
            return;
        }
        var src = v.SharesStorageWith(this) ? v.CloneRaw() : v;
        StridedCopy.Copy(src.ExpandRaw(window.ShapeArray), window);
        Storage.Version++;
    }

    private static void CheckValueBroadcasts(Tensor window, Tensor value)
    {
        if (!BroadcastsTo(value._shape, window._shape))
        {
            // PyTorch's words.
            throw new ArgumentException($"IndexPut: shape mismatch: value tensor of shape {Shapes.Format(value._shape)} cannot be broadcast to indexing result of shape {Shapes.Format(window._shape)}.");
        }
    }

    /// <summary>A copy of <paramref name="old"/> with <paramref name="value"/> written at <paramref name="indices"/>; differentiable in both.</summary>
    internal static Tensor IndexPutOutOfPlace(Tensor old, TensorIndex[] indices, Tensor value)
    {
        var r = old.CloneRaw();
        var window = r.IndexView(indices); // r has no history or tangent: a raw view
        StridedCopy.Copy(value.ExpandRaw(window.ShapeArray), window);
        return IndexPutDefinition.Record(r, [old, value], indices);
    }

    // The old value's gradient is zero in the window, the value's is the window (summed over broadcast dims). Not
    // traced: the in-place assignment it implements refuses to run under a trace (Tracing.CheckInPlace).
    private static readonly OpDefinition<TensorIndex[]> IndexPutDefinition = new(null, "IndexPutBackward")
    {
        Differentiable = Operands.All,
        Backward = static c =>
        [
            c.NeedsGrad(0) ? IndexPutOutOfPlace(c.Grad, c.Args, Zeros([], c.Grad.DType)) : null,
            c.NeedsGrad(1) ? c.SumToInput(1, c.Grad[c.Args]) : null,
        ],
        // Linear in (old, value): the same assignment on the tangents.
        Jvp = static c => IndexPutOutOfPlace(c.TangentOrZeros(0), c.Args, c.TangentOrZeros(1)),
    };

    /// <summary>Sets the elements where <paramref name="mask"/> (broadcast to this shape) is true to <paramref name="value"/> (PyTorch's <c>masked_fill_</c>); returns this.</summary>
    public Tensor MaskedFillInPlace(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        CheckInPlace("MaskedFillInPlace", null);
        return RebaseHistory(HistoryAlias().MaskedFill(mask, value));
    }

    /// <summary>
    /// A copy of this tensor with <paramref name="source"/>'s slices written at <paramref name="index"/> along
    /// <paramref name="dim"/> (PyTorch's <c>index_copy</c>). An index may not repeat: the result would depend on the order
    /// of the writes (PyTorch leaves it undefined). The index is 1-D Int64 (PyTorch's index_copy refuses Int32 too).
    /// Differentiable in this tensor and the source.
    /// </summary>
    public Tensor IndexCopy(int dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        int d = Shapes.NormalizeDim("IndexCopy", dim, Rank);
        Elementwise.CheckSameDType("IndexCopy", this, source);
        var spread = SpreadIndex("IndexCopy", d, index);
        if (!Shapes.SameShape(source._shape, spread._shape))
        {
            throw new ArgumentException($"IndexCopy: source shape {Shapes.Format(source._shape)} must be {Shapes.Format(spread._shape)} for input {Shapes.Format(_shape)} with {index.Numel} indices along dim {d}.");
        }
        CheckNoRepeats("IndexCopy", index.IndexArray("IndexCopy"));
        // index_copy is a scatter of the source's slices with the index spread over them: its gradients are scatter's
        // (zero at the written slices for this tensor, the written slices for the source).
        return Scatter(d, spread, source);
    }

    /// <summary>Writes <paramref name="source"/>'s slices at <paramref name="index"/> along <paramref name="dim"/> (PyTorch's <c>index_copy_</c>); returns this.</summary>
    public Tensor IndexCopyInPlace(int dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckInPlace("IndexCopyInPlace", source);
        return RebaseHistory(HistoryAlias().IndexCopy(dim, index, IsolatedFromSelf(source)));
    }

    /// <summary>
    /// A copy of this tensor with the elements where <paramref name="mask"/> (broadcast to this shape) is non-zero
    /// replaced, in row-major order, by the first elements of <paramref name="source"/> (PyTorch's <c>masked_scatter</c>).
    /// The mask is Bool, as PyTorch requires.
    /// </summary>
    public Tensor MaskedScatter(Tensor mask, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(source);
        Elementwise.CheckSameDType("MaskedScatter", this, source);
        var shape = Shapes.Broadcast("MaskedScatter", _shape, mask._shape);
        if (!Shapes.SameShape(shape, _shape))
        {
            throw new ArgumentException($"MaskedScatter: the mask of shape {Shapes.Format(mask._shape)} must broadcast to the tensor's shape {Shapes.Format(_shape)}.");
        }
        var positions = TruePositions(mask.ExpandRaw(_shape).MaskArray("MaskedScatter"));
        if (source.Numel < positions.Length)
        {
            throw new ArgumentException($"MaskedScatter: expected source to have at least {positions.Length} elements (one per true element of the mask), but it has {source.Numel} (shape {Shapes.Format(source._shape)}).");
        }
        var flat = Reshape(-1);
        return flat.IndexCopy(0, Wrap(positions, [positions.Length]), source.Reshape(-1).Narrow(0, 0, positions.Length)).Reshape(_shape);
    }

    /// <summary>In-place <see cref="MaskedScatter"/> (PyTorch's <c>masked_scatter_</c>); returns this.</summary>
    public Tensor MaskedScatterInPlace(Tensor mask, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckInPlace("MaskedScatterInPlace", source);
        return RebaseHistory(HistoryAlias().MaskedScatter(mask, IsolatedFromSelf(source)));
    }

    /// <summary>
    /// Advanced-index assignment (PyTorch's <c>index_put</c>, <c>x[i0, i1] = v</c> with index tensors): the k 1-D Int64
    /// index tensors of equal length n (negative indices wrap) pick n positions of the first k dims, and <paramref name="values"/> (broadcast to
    /// [n, remaining dims…]) is written there, or added when <paramref name="accumulate"/>. Without accumulate a
    /// position may not repeat. Returns a copy; differentiable in this tensor and the values.
    /// </summary>
    public Tensor IndexPut(Tensor[] indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        Elementwise.CheckSameDType("IndexPut", this, values);
        if (indices.Length == 0 || indices.Length > Rank)
        {
            throw new ArgumentException($"IndexPut: expected between 1 and {Rank} index tensors for a tensor of shape {Shapes.Format(_shape)}, got {indices.Length}.");
        }
        int n = -1;
        var linear = Array.Empty<long>();
        int k = indices.Length;
        for (int m = 0; m < k; m++)
        {
            var ix = indices[m] ?? throw new ArgumentNullException(nameof(indices), $"IndexPut: index tensor {m} is null.");
            if (ix.Rank > 1 || (n >= 0 && ix.Numel != n))
            {
                throw new ArgumentException($"IndexPut: index tensors must be 1-D and of one length; index {m} has shape {Shapes.Format(ix._shape)}{(n >= 0 ? $" where {n} elements were expected" : "")}.");
            }
            if (n < 0)
            {
                n = ix.Numel;
                linear = new long[n];
            }
            if (ix.DType != DType.Int64)
            {
                // PyTorch's words (it also takes byte/bool masks there; MiniTorch's x[mask] = v covers those).
                throw new ArgumentException($"IndexPut: tensors used as indices must be long tensors, got {ix.DType.TorchName()} for index {m}. Build indices with Tensor.FromArray(long[]) or convert with .To(DType.Int64).");
            }
            var v = ix.IndexArray("IndexPut");
            for (int j = 0; j < n; j++)
            {
                linear[j] = linear[j] * _shape[m] + WrapIndex("IndexPut", v[j], _shape[m], m);
            }
        }
        if (!accumulate)
        {
            CheckNoRepeats("IndexPut", linear);
        }
        int rows = 1;
        for (int m = 0; m < k; m++)
        {
            rows *= _shape[m];
        }
        int[] rest = _shape[k..];
        int[] flatShape = [rows, .. rest];
        int[] slotShape = [n, .. rest];
        if (!BroadcastsTo(values._shape, slotShape))
        {
            throw new ArgumentException($"IndexPut: shape mismatch: value tensor of shape {Shapes.Format(values._shape)} cannot be broadcast to indexing result of shape {Shapes.Format(slotShape)}.");
        }
        var flat = Reshape(flatShape);
        var index = Wrap(linear, [n]);
        var slots = values.Expand(slotShape);
        var r = accumulate ? flat.IndexAdd(0, index, slots) : flat.IndexCopy(0, index, slots.Contiguous());
        return r.Reshape(_shape);
    }

    /// <summary>In-place <see cref="IndexPut"/> (PyTorch's <c>index_put_</c>); returns this.</summary>
    public Tensor IndexPutInPlace(Tensor[] indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckInPlace("IndexPutInPlace", values);
        return RebaseHistory(HistoryAlias().IndexPut(indices, IsolatedFromSelf(values), accumulate));
    }

    /// <summary>Whether <paramref name="shape"/> broadcasts to <paramref name="target"/> (each trailing size equal or 1, no extra leading dims but 1s).</summary>
    private static bool BroadcastsTo(int[] shape, int[] target)
    {
        for (int i = 1; i <= shape.Length; i++)
        {
            int size = shape[^i];
            if (i > target.Length ? size != 1 : size != 1 && size != target[^i])
            {
                return false;
            }
        }
        return true;
    }

    private static void CheckNoRepeats(string op, long[] index)
    {
        var seen = new HashSet<long>();
        foreach (long i in index)
        {
            if (!seen.Add(i))
            {
                throw new ArgumentException($"{op}: index {i} appears more than once; the result of repeated writes is undefined (PyTorch leaves it unspecified). Use accumulate/IndexAdd to sum them.");
            }
        }
    }
}
