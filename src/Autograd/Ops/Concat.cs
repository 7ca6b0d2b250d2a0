namespace MiniTorch;

public partial class Tensor
{
    /// <summary>Concatenates tensors along an existing dimension; all other sizes must match, and the dtypes are promoted to their result type (PyTorch's <c>torch.cat</c>).</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Cat: expected a non-empty list of Tensors.");
        }
        var dtype = ResultType(tensors);
        bool mixed = false;
        for (int i = 0; i < tensors.Count; i++)
        {
            mixed |= tensors[i].DType != dtype;
        }
        if (mixed)
        {
            // PyTorch's cat promotes its inputs to their result type; To keeps each input's gradient in its own dtype.
            var promoted = new Tensor[tensors.Count];
            for (int i = 0; i < promoted.Length; i++)
            {
                promoted[i] = tensors[i].PromotedTo(dtype);
            }
            tensors = promoted;
        }
        var first = tensors[0];
        if (first.Rank == 0)
        {
            throw new ArgumentException("Cat: zero-dimensional tensor (at position 0) cannot be concatenated.");
        }
        int d = Shapes.NormalizeDim("Cat", dim, first.Rank);
        int total = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (t.Rank != first.Rank)
            {
                throw new ArgumentException($"Cat: tensors must have same number of dimensions: got {first.Rank} (position 0, shape {Shapes.Format(first._shape)}) and {t.Rank} (position {i}, shape {Shapes.Format(t._shape)}).");
            }
            for (int k = 0; k < first.Rank; k++)
            {
                if (k != d && t._shape[k] != first._shape[k])
                {
                    throw new ArgumentException($"Cat: sizes of tensors must match except in dimension {d}. Expected size {first._shape[k]} but got size {t._shape[k]} for tensor number {i} in the list (shapes {Shapes.Format(first._shape)} and {Shapes.Format(t._shape)}).");
                }
            }
            total += t._shape[d];
        }
        var shape = first._shape.AsSpan().ToArray();
        shape[d] = total;
        var r = Empty(shape, first.DType);
        var sizes = new int[tensors.Count];
        int offset = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            sizes[i] = tensors[i]._shape[d];
            // Disposed at once: a view left counted would keep the result's storage from the pool for good.
            using var window = new Tensor(r.Storage, tensors[i].ShapeArray, r._strides, offset * r._strides[d]);
            Kernels.StridedCopy.Copy(tensors[i], window);
            offset += sizes[i];
        }
        var inputs = new Tensor[tensors.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = tensors[i];
        }
        return CatDefinition.Record(r, inputs, (d, sizes));
    }

    private static readonly OpDefinition<(int Dim, int[] Sizes)> CatDefinition = new("Cat", "CatBackward")
    {
        Differentiable = Operands.All,
        Backward = static c =>
        {
            var grads = new Tensor?[c.Args.Sizes.Length];
            int offset = 0;
            for (int i = 0; i < grads.Length; i++)
            {
                if (c.NeedsGrad(i))
                {
                    grads[i] = c.Grad.Narrow(c.Args.Dim, offset, c.Args.Sizes[i]);
                }
                offset += c.Args.Sizes[i];
            }
            return grads;
        },
        // Linear: the cat of the operands' tangents, zeros standing in for operands without one.
        Jvp = static c =>
        {
            var tangents = new Tensor[c.Args.Sizes.Length];
            for (int i = 0; i < tangents.Length; i++)
            {
                tangents[i] = c.TangentOrZeros(i);
            }
            return Cat(tangents, c.Args.Dim);
        },
        Attributes = static a => new OpAttributes { { "dim", a.Dim } },
    };

    /// <summary>Stacks tensors of one shape along a new dimension, promoting their dtypes as <see cref="Cat"/> (PyTorch's <c>torch.stack</c>).</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Stack: expects a non-empty list of Tensors.");
        }
        int d = Shapes.NormalizeDim("Stack", dim, tensors[0].Rank + 1);
        var parts = new Tensor[tensors.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!Shapes.SameShape(tensors[i]._shape, tensors[0]._shape))
            {
                throw new ArgumentException($"Stack: expects each tensor to be equal size, but got {Shapes.Format(tensors[0]._shape)} at entry 0 and {Shapes.Format(tensors[i]._shape)} at entry {i}.");
            }
            parts[i] = tensors[i].Unsqueeze(d);
        }
        return Cat(parts, d);
    }
}
