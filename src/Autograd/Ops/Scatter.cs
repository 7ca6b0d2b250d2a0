namespace MiniTorch;

// PyTorch's out-of-place scatter: the index is Int64 (anything else is refused with "Expected dtype int64 for index"),
// validated before any element is written. Where an index repeats, the last write in row-major order wins; PyTorch
// leaves that order unspecified (and its gradient is only defined for unique indices), so do not rely on it.
public partial class Tensor
{
    /// <summary>
    /// A copy of this tensor with <paramref name="source"/>'s elements written at the positions <paramref name="index"/>
    /// names along <paramref name="dim"/>: out[i][index[i][j]] = source[i][j] for dim 1 (PyTorch's <c>scatter</c> with a
    /// src tensor). <paramref name="index"/> is Int64 of this tensor's rank; <paramref name="source"/> may be larger than
    /// the index in any dim (only its leading block is read), as in PyTorch. Differentiable in this tensor (zero where
    /// written) and the source (the gradient gathered at the index).
    /// </summary>
    public Tensor Scatter(int dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Kernels.Elementwise.CheckSameDType("Scatter", this, source);
        if (source.Rank != Rank)
        {
            throw new ArgumentException($"Scatter: source must have the same number of dimensions as input (source shape {Shapes.Format(source._shape)}, input shape {Shapes.Format(_shape)}).");
        }
        ArgumentNullException.ThrowIfNull(index);
        index.CheckIndexDType("Scatter");
        for (int k = 0; k < Rank && index.Rank == Rank; k++)
        {
            if (index._shape[k] > source._shape[k])
            {
                throw new ArgumentException($"Scatter: index shape {Shapes.Format(index._shape)} is larger than source shape {Shapes.Format(source._shape)} at dimension {k}.");
            }
        }
        var block = index.Rank == Rank && !Shapes.SameShape(index._shape, source._shape) ? source.LeadingBlock(index._shape) : source;
        int d = CheckScatterGather("Scatter", dim, index, block);
        var r = CloneRaw();
        var src = block.ContiguousRaw();
        ScatterWrite(r, r.ScatterGatherOffsets("Scatter", d, index), src);
        src.DisposeIfCopyOf(block);
        return ScatterDefinition.Record(r, [this, index, block], d);
    }

    // The written positions take the source's gradient; elsewhere the target's passes through.
    private static readonly OpDefinition<int> ScatterDefinition = new("Scatter", "ScatterBackward")
    {
        Differentiable = Operands.First | Operands.Third,
        Saves = [Save.Input(1)],
        Backward = static c =>
        [
            c.NeedsGrad(0) ? c.Grad.Scatter(c.Args, c.Input(1), 0.0) : null,
            c.NeedsGrad(2) ? c.Grad.Gather(c.Args, c.Input(1)) : null,
        ],
        Jvp = static c => c.TangentOrZeros(0).Scatter(c.Args, c.Input(1), c.TangentOrZeros(2)),
        Attributes = static dim => new OpAttributes { { "dim", dim } },
    };

    /// <summary>
    /// A copy of this tensor with <paramref name="value"/> written at the positions <paramref name="index"/> (Int64, this
    /// tensor's rank) names along <paramref name="dim"/> (PyTorch's <c>scatter</c> with a scalar value). Differentiable in
    /// this tensor, whose gradient is zero at the written positions.
    /// </summary>
    public Tensor Scatter(int dim, Tensor index, double value)
    {
        int d = CheckScatterGather("Scatter", dim, index, null);
        var r = CloneRaw();
        var positions = r.ScatterGatherOffsets("Scatter", d, index);
        using (Autograd.NoGradSynchronously())
        {
            ScatterWrite(r, positions, Full([positions.Length], value, DType));
        }
        return ScatterValueDefinition.Record(r, [this, index], (d, value));
    }

    private static readonly OpDefinition<(int Dim, double Value)> ScatterValueDefinition = new("ScatterValue", "ScatterBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(1)],
        Backward = static c => [c.Grad.Scatter(c.Args.Dim, c.Input(1), 0.0)],
        Jvp = static c => c.Tangent(0)!.Scatter(c.Args.Dim, c.Input(1), 0.0),
        Attributes = static a => new OpAttributes { { "dim", a.Dim }, { "value", a.Value } },
    };

    /// <summary>The block of this tensor starting at the origin with <paramref name="shape"/> (each size at most this tensor's), as a view.</summary>
    private Tensor LeadingBlock(int[] shape)
    {
        var block = this;
        for (int k = 0; k < shape.Length; k++)
        {
            if (shape[k] != block._shape[k])
            {
                block = block.Narrow(k, 0, shape[k]);
            }
        }
        return block;
    }

    /// <summary>Writes the contiguous <paramref name="source"/>'s element n at storage offset <paramref name="positions"/>[n] of <paramref name="target"/>.</summary>
    private static void ScatterWrite(Tensor target, int[] positions, Tensor source)
    {
        switch (target.DType)
        {
            case DType.Float32: ScatterCopy(target.Data<float>(), positions, source.ContiguousSpan<float>()); break;
            case DType.Float64: ScatterCopy(target.Data<double>(), positions, source.ContiguousSpan<double>()); break;
            case DType.Int64: ScatterCopy(target.Data<long>(), positions, source.ContiguousSpan<long>()); break;
            case DType.Int32: ScatterCopy(target.Data<int>(), positions, source.ContiguousSpan<int>()); break;
            case DType.Bool: ScatterCopy(target.Data<bool>(), positions, source.ContiguousSpan<bool>()); break;
            case DType.UInt8: ScatterCopy(target.Data<byte>(), positions, source.ContiguousSpan<byte>()); break;
            case DType.Float16: ScatterCopy(target.Data<Half>(), positions, source.ContiguousSpan<Half>()); break;
            default: ScatterCopy(target.Data<BFloat16>(), positions, source.ContiguousSpan<BFloat16>()); break;
        }
    }

    private static void ScatterCopy<T>(T[] dst, int[] positions, ReadOnlySpan<T> src)
    {
        for (int n = 0; n < positions.Length; n++)
        {
            dst[positions[n]] = src[n];
        }
    }
}
