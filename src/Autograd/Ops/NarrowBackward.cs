namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// Zeros of <paramref name="shape"/> with this tensor written at <paramref name="start"/> along
    /// <paramref name="dim"/>: the adjoint of <see cref="Narrow"/> (PyTorch's <c>slice_backward</c>).
    /// Differentiable, so slicing supports higher-order gradients.
    /// </summary>
    internal Tensor NarrowScatter(int[] shape, int dim, int start)
    {
        var r = Zeros(shape, DType);
        var window = r.Narrow(dim, start, _shape[dim]);
        Kernels.StridedCopy.Copy(this, window);
        return NarrowScatterDefinition.Record(r, [this], (shape, dim, start));
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
