namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// Zeros of <paramref name="shape"/> with this tensor written at <paramref name="start"/> along
    /// <paramref name="dim"/>: the adjoint of <see cref="Narrow"/> (PyTorch's <c>slice_backward</c>).
    /// Differentiable, so slicing supports higher-order gradients.
    /// </summary>
    internal Tensor NarrowScatter(int[] shape, int dim, int start) =>
        NarrowScatterDefinition.Record(NarrowScatterRaw(shape, dim, start), [this], (shape, dim, start));

    private Tensor NarrowScatterRaw(int[] shape, int dim, int start)
    {
        var r = Zeros(shape, DType);
        using (var window = r.WindowRaw(dim, start, _shape[dim]))
        {
            Kernels.StridedCopy.Copy(this, window);
        }
        return r;
    }

    /// <summary>
    /// <see cref="NarrowScatter"/> added into <paramref name="sum"/> (a gradient sum of <paramref name="shape"/> that
    /// only the engine holds): only the window is added, as the rest would add zeros. Without a sum, the scatter
    /// itself, unrecorded. The values are those of <c>sum + NarrowScatter(…)</c> but for the sign of zeros outside
    /// the window (−0 stays −0 where adding +0 would give +0).
    /// </summary>
    internal Tensor NarrowScatterInto(Tensor? sum, int[] shape, int dim, int start)
    {
        if (sum is null)
        {
            return NarrowScatterRaw(shape, dim, start);
        }
        using (var window = sum.WindowRaw(dim, start, _shape[dim]))
        {
            window.AccumulateRaw(this);
        }
        return sum;
    }

    /// <summary>
    /// Elements start … start + length of one dim, as a view with no history. The callers dispose it after writing
    /// through it: an undisposed view keeps the viewed storage counted, so the gradient it writes into could never
    /// go back to the pool.
    /// </summary>
    private Tensor WindowRaw(int dim, int start, int length)
    {
        var shape = _shape.AsSpan().ToArray();
        shape[dim] = length;
        return new Tensor(Storage, shape, _strides, Offset + start * _strides[dim]);
    }

    // Linear in this tensor. Without the forward rule the backward of a slice, run on dual gradients
    // (forward-over-reverse: Hvp), dropped their tangents and H·v came out as zeros.
    private static readonly OpDefinition<(int[] Shape, int Dim, int Start)> NarrowScatterDefinition = new(null, "SliceBackwardBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [c.Grad.Narrow(c.Args.Dim, c.Args.Start, c.InputShape(0)[c.Args.Dim])],
        Jvp = static c => c.Tangent(0)!.NarrowScatter(c.Args.Shape, c.Args.Dim, c.Args.Start),
    };
}
