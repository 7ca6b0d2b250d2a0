namespace MiniTorch;

// View ops: new shape/strides/offset over the same storage, no data copied. Writes through a view are
// seen by the base, and they share one version counter.
public partial class Tensor
{
    /// <summary>The tensor this one is a view of (null if it owns its layout), used to police in-place ops.</summary>
    internal Tensor? ViewBase { get; private init; }

    /// <summary>Whether this tensor is a view of another tensor's storage (PyTorch's <c>_is_view()</c>).</summary>
    public bool IsView => ViewBase is not null;

    private Tensor MakeView(int[] shape, int[] strides, int offset) =>
        new(Storage, shape, strides, offset) { ViewBase = ViewBase ?? this };

    /// <summary>A view of this storage with another shape; one size may be −1 (inferred). Requires a contiguous tensor (PyTorch's <c>view</c>).</summary>
    public Tensor View(params int[] shape)
    {
        var target = InferShape("View", shape);
        if (!IsContiguous)
        {
            throw new ArgumentException($"View: view size is not compatible with input tensor's size and stride (shape {Shapes.Format(_shape)}, strides {Shapes.Format(_strides)}); at least one dimension spans across two contiguous subspaces. Use .Reshape(...) instead.");
        }
        return ReshapeView(target, ViewDefinition);
    }

    /// <summary>The same elements in another shape; one size may be −1. A view when the layout allows, else a copy (PyTorch's <c>reshape</c>).</summary>
    public Tensor Reshape(params int[] shape)
    {
        var target = InferShape("Reshape", shape);
        return (IsContiguous ? this : Contiguous()).ReshapeView(target, ViewDefinition);
    }

    /// <summary>Flattens dims <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0)
        {
            return Reshape(1);
        }
        int s = Shapes.NormalizeDim("Flatten", startDim, Rank);
        int e = Shapes.NormalizeDim("Flatten", endDim, Rank);
        if (s > e)
        {
            throw new ArgumentException($"Flatten: startDim {startDim} cannot come after endDim {endDim}.");
        }
        var shape = new List<int>();
        int merged = 1;
        for (int i = 0; i < Rank; i++)
        {
            if (i < s || i > e)
            {
                shape.Add(_shape[i]);
                continue;
            }
            merged *= _shape[i];
            if (i == e)
            {
                shape.Add(merged);
            }
        }
        return Reshape(shape.ToArray());
    }

    private Tensor ReshapeView(int[] target, OpDefinition<NoArgs> definition) =>
        definition.Record(MakeView(target, Shapes.ContiguousStrides(target), Offset), [this]);

    private static readonly OpDefinition<NoArgs> ViewDefinition = ReshapeDefinition("ViewBackward");
    private static readonly OpDefinition<NoArgs> SqueezeDefinition = ReshapeDefinition("SqueezeBackward");
    private static readonly OpDefinition<NoArgs> UnsqueezeDefinition = ReshapeDefinition("UnsqueezeBackward");
    private static readonly OpDefinition<NoArgs> TransposeAliasDefinition = ReshapeDefinition("TransposeBackward");

    // Every shape-only view (View, Reshape, Squeeze, Unsqueeze) is traced as a reshape: the output's shape is the target.
    private static OpDefinition<NoArgs> ReshapeDefinition(string backwardName) => new("Reshape", backwardName)
    {
        Differentiable = Operands.First,
        Backward = static c => [c.Grad.Reshape(c.InputShape(0))],
        Jvp = static c => c.Tangent(0)!.Reshape(c.Output().ShapeArray),
    };

    private int[] InferShape(string op, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0)
                {
                    throw new ArgumentException($"{op}: only one dimension can be inferred (-1) in shape {Shapes.Format(shape)}.");
                }
                infer = i;
            }
            else if (shape[i] < 0)
            {
                throw new ArgumentException($"{op}: invalid shape dimension {shape[i]} in {Shapes.Format(shape)}.");
            }
            else
            {
                known *= shape[i];
            }
        }
        var result = shape.AsSpan().ToArray();
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
            {
                throw new ArgumentException($"{op}: shape {Shapes.Format(shape)} is invalid for input of size {Numel}.");
            }
            result[infer] = (int)(Numel / known);
        }
        else if (known != Numel)
        {
            throw new ArgumentException($"{op}: shape {Shapes.Format(shape)} is invalid for input of size {Numel} (shape {Shapes.Format(_shape)}).");
        }
        return result;
    }

    /// <summary>Swaps two dimensions (a view).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = Shapes.NormalizeDim("Transpose", dim0, Rank);
        int b = Shapes.NormalizeDim("Transpose", dim1, Rank);
        if (Rank < 2 || a == b)
        {
            return Rank == 0 ? this : Alias(TransposeAliasDefinition);
        }
        var shape = _shape.AsSpan().ToArray();
        var strides = _strides.AsSpan().ToArray();
        (shape[a], shape[b]) = (shape[b], shape[a]);
        (strides[a], strides[b]) = (strides[b], strides[a]);
        return TransposeDefinition.Record(MakeView(shape, strides, Offset), [this], (a, b));
    }

    private static readonly OpDefinition<(int Dim0, int Dim1)> TransposeDefinition = new("Transpose", "TransposeBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [c.Grad.Transpose(c.Args.Dim0, c.Args.Dim1)],
        Jvp = static c => c.Tangent(0)!.Transpose(c.Args.Dim0, c.Args.Dim1),
        Attributes = static d => new OpAttributes { { "dim0", d.Dim0 }, { "dim1", d.Dim1 } },
    };

    /// <summary>The transpose of a matrix (a view); tensors of rank ≤ 1 are returned as they are. For higher ranks use <see cref="Permute"/> or <see cref="Transpose"/>.</summary>
    public Tensor T
    {
        get
        {
            if (Rank > 2)
            {
                throw new ArgumentException($"T: expects a tensor with <= 2 dimensions, but got shape {Shapes.Format(_shape)}; use Transpose(dim0, dim1) or Permute(...) for higher ranks.");
            }
            return Rank < 2 ? this : Transpose(0, 1);
        }
    }

    /// <summary>Reorders the dimensions (a view): result dim i is this tensor's dim <c>dims[i]</c>.</summary>
    public Tensor Permute(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length != Rank)
        {
            throw new ArgumentException($"Permute: number of dims don't match in Permute: got {dims.Length} dims for a tensor of shape {Shapes.Format(_shape)}.");
        }
        var seen = new bool[Rank];
        var shape = new int[Rank];
        var strides = new int[Rank];
        var normalized = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = Shapes.NormalizeDim("Permute", dims[i], Rank);
            if (seen[d])
            {
                throw new ArgumentException($"Permute: repeated dim {d} in {Shapes.Format(dims)}.");
            }
            seen[d] = true;
            normalized[i] = d;
            shape[i] = _shape[d];
            strides[i] = _strides[d];
        }
        return PermuteDefinition.Record(MakeView(shape, strides, Offset), [this], normalized);
    }

    private static readonly OpDefinition<int[]> PermuteDefinition = new("Permute", "PermuteBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [c.Grad.Permute(InversePermutation(c.Args))],
        Jvp = static c => c.Tangent(0)!.Permute(c.Args),
        Attributes = static dims => new OpAttributes { { "dims", dims } },
    };

    private static int[] InversePermutation(int[] dims)
    {
        var inverse = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            inverse[dims[i]] = i;
        }
        return inverse;
    }

    /// <summary>Removes every size-1 dimension (a view).</summary>
    public Tensor Squeeze()
    {
        var shape = new List<int>();
        var strides = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            if (_shape[i] != 1)
            {
                shape.Add(_shape[i]);
                strides.Add(_strides[i]);
            }
        }
        return ShapeView(shape.ToArray(), strides.ToArray(), SqueezeDefinition);
    }

    /// <summary>Removes dimension <paramref name="dim"/> if its size is 1; otherwise returns an unchanged view, as in PyTorch.</summary>
    public Tensor Squeeze(int dim)
    {
        int d = Shapes.NormalizeDim("Squeeze", dim, Rank);
        if (Rank == 0 || _shape[d] != 1)
        {
            return Alias(SqueezeDefinition);
        }
        var shape = new List<int>(_shape);
        var strides = new List<int>(_strides);
        shape.RemoveAt(d);
        strides.RemoveAt(d);
        return ShapeView(shape.ToArray(), strides.ToArray(), SqueezeDefinition);
    }

    /// <summary>Inserts a size-1 dimension at <paramref name="dim"/> (a view); dim may be −(rank+1)..rank.</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = Shapes.NormalizeDim("Unsqueeze", dim, Rank + 1);
        var shape = new List<int>(_shape);
        var strides = new List<int>(_strides);
        shape.Insert(d, 1);
        strides.Insert(d, d < Rank ? _strides[d] * _shape[d] : 1);
        return ShapeView(shape.ToArray(), strides.ToArray(), UnsqueezeDefinition);
    }

    private Tensor ShapeView(int[] shape, int[] strides, OpDefinition<NoArgs> definition) => definition.Record(MakeView(shape, strides, Offset), [this]);

    /// <summary>A view of this tensor with the same layout (a new tensor object, as PyTorch's no-op views return).</summary>
    private Tensor Alias(OpDefinition<NoArgs> definition) => ShapeView(_shape, _strides, definition);

    /// <summary>
    /// Broadcasts to a larger shape without copying (stride 0 on expanded dims); −1 keeps a size, and new
    /// leading dims may be added (PyTorch's <c>expand</c>). The gradient sums over the expanded dims.
    /// </summary>
    public Tensor Expand(params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var target = ExpandedShape(sizes);
        return ExpandDefinition.Record(MakeView(target, Shapes.BroadcastStrides(_shape, _strides, target), Offset), [this]);
    }

    private static readonly OpDefinition<NoArgs> ExpandDefinition = new("Expand", "ExpandBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [c.SumToInput(0, c.Grad)],
        Jvp = static c => c.Tangent(0)!.Expand(c.Output().ShapeArray),
    };

    /// <summary>Expands to the shape of <paramref name="other"/>.</summary>
    public Tensor ExpandAs(Tensor other) => Expand(other._shape);

    /// <summary>An expanded view for kernels, with no history.</summary>
    internal Tensor ExpandRaw(int[] shape) =>
        Shapes.SameShape(shape, _shape) ? this : new Tensor(Storage, shape, Shapes.BroadcastStrides(_shape, _strides, shape), Offset);

    private int[] ExpandedShape(int[] sizes)
    {
        if (sizes.Length < Rank)
        {
            throw new ArgumentException($"Expand: the number of sizes provided ({sizes.Length}) must be greater or equal to the number of dimensions in the tensor ({Rank}); tensor shape {Shapes.Format(_shape)}.");
        }
        var target = new int[sizes.Length];
        int lead = sizes.Length - Rank;
        for (int i = 0; i < sizes.Length; i++)
        {
            int size = sizes[i];
            if (i < lead)
            {
                if (size < 0)
                {
                    throw new ArgumentException($"Expand: the expanded size {size} is not allowed in a leading, non-existing dimension {i}; target sizes {Shapes.Format(sizes)}.");
                }
                target[i] = size;
                continue;
            }
            int existing = _shape[i - lead];
            if (size == -1)
            {
                size = existing;
            }
            if (existing != 1 && size != existing)
            {
                throw new ArgumentException($"Expand: the expanded size of the tensor ({size}) must match the existing size ({existing}) at non-singleton dimension {i}. Target sizes: {Shapes.Format(sizes)}. Tensor sizes: {Shapes.Format(_shape)}.");
            }
            target[i] = size;
        }
        return target;
    }

    /// <summary>Elements <paramref name="start"/>..<paramref name="start"/>+<paramref name="length"/> of one dimension (a view).</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = Shapes.NormalizeDim("Narrow", dim, Rank);
        if (Rank == 0)
        {
            throw new ArgumentException("Narrow: cannot be applied to a 0-dim tensor.");
        }
        int size = _shape[d];
        if (start < 0)
        {
            start += size;
        }
        if (start < 0 || length < 0 || start > size || start + length > size)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow: start ({start}) + length ({length}) exceeds dimension {d} of size {size} (shape {Shapes.Format(_shape)}).");
        }
        var shape = _shape.AsSpan().ToArray();
        shape[d] = length;
        return NarrowDefinition.Record(MakeView(shape, _strides, Offset + start * _strides[d]), [this], (d, start, length));
    }

    // The gradient is the slice written into zeros of the input's shape (NarrowScatter, itself differentiable).
    private static readonly OpDefinition<(int Dim, int Start, int Length)> NarrowDefinition = new("Narrow", "SliceBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [c.Grad.NarrowScatter(c.InputShape(0), c.Args.Dim, c.Args.Start)],
        AccumulateInto = static (c, sum) => c.Grad.NarrowScatterInto(sum, c.InputShape(0), c.Args.Dim, c.Args.Start),
        Jvp = static c => c.Tangent(0)!.Narrow(c.Args.Dim, c.Args.Start, c.Args.Length),
        Attributes = static n => new OpAttributes { { "dim", n.Dim }, { "start", n.Start }, { "length", n.Length } },
    };

    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, removing that dimension (a view).</summary>
    public Tensor Select(int dim, int index)
    {
        int d = Shapes.NormalizeDim("Select", dim, Rank);
        if (Rank == 0)
        {
            throw new ArgumentException("Select: cannot be applied to a 0-dim tensor.");
        }
        int size = _shape[d];
        if (index < -size || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Select: index {index} is out of bounds for dimension {d} with size {size}.");
        }
        return Narrow(d, index < 0 ? index + size : index, 1).Squeeze(d);
    }

    /// <summary>This tensor if contiguous, else a contiguous copy (recorded as <c>CloneBackward</c>).</summary>
    public Tensor Contiguous() => IsContiguous ? this : Clone();

    /// <summary>A copy with its own storage; gradients flow back to this tensor.</summary>
    public Tensor Clone() => CloneDefinition.Record(CloneRaw(), [this]);

    private static readonly OpDefinition<NoArgs> CloneDefinition = new("Clone", "CloneBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [c.Grad],
        Jvp = static c => c.Tangent(0)!.Clone(),
    };

    /// <summary>
    /// This tensor converted to <paramref name="dtype"/>; the same tensor if it already has it (PyTorch's <c>to(dtype)</c>).
    /// Conversions follow PyTorch: floating to integer truncates toward zero, anything to Bool is <c>value != 0</c>,
    /// Bool to a number is 0 or 1, integers wrap, Float16/BFloat16 round to nearest even. Differentiable between
    /// floating dtypes (the gradient is converted back); a conversion to an integer or Bool dtype has no history.
    /// </summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType)
        {
            return this;
        }
        var r = ToRaw(dtype);
        var definition = DType.IsFloatingPoint() && dtype.IsFloatingPoint() ? ToDefinition : ToNonDifferentiableDefinition;
        return definition.Record(r, [this], (DType, dtype));
    }

    /// <summary>A contiguous copy converted to <paramref name="dtype"/>, with no history and no trace (what creation functions use).</summary>
    internal Tensor ToRaw(DType dtype)
    {
        _ = dtype.ElementSize(); // rejects a value outside the enum with a clear message
        var r = Empty(_shape.AsSpan().ToArray(), dtype);
        var source = ContiguousRaw();
        Kernels.DTypeConvert.Convert(source, r);
        source.DisposeIfCopyOf(this);
        return r;
    }

    private static readonly OpDefinition<(DType From, DType To)> ToDefinition = new("To", "ToCopyBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [c.Grad.To(c.Args.From)],
        Jvp = static c => c.Tangent(0)!.To(c.Args.To),
        Attributes = static d => new OpAttributes { { "dtype", d.To.ToString() } },
    };

    // To or from an integer or Bool dtype: traced (an exporter lowers it to a Cast) but not differentiable, as in PyTorch.
    private static readonly OpDefinition<(DType From, DType To)> ToNonDifferentiableDefinition = new("To")
    {
        Attributes = static d => new OpAttributes { { "dtype", d.To.ToString() } },
    };
}
