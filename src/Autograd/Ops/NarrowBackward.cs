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
        if (Node.IsNeeded(this))
        {
            new NarrowScatterBackward(dim, start).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            // Linear in this tensor. Without this rule the backward of a slice, run on dual gradients
            // (forward-over-reverse: Hvp), dropped their tangents and H·v came out as zeros.
            Jvp.Linear(r, this, (shape, dim, start), static (t, a) => t.NarrowScatter(a.shape, a.dim, a.start));
        }
        return r;
    }
}

internal sealed class NarrowBackward : Node
{
    private readonly int _dim;
    private readonly int _start;

    public NarrowBackward(int dim, int start)
    {
        _dim = dim;
        _start = start;
    }

    public override string Name => "SliceBackward";

    internal override Tensor?[] Apply(Tensor g) => [g.NarrowScatter(Edges[0].Shape, _dim, _start)];
}

internal sealed class NarrowScatterBackward : Node
{
    private readonly int _dim;
    private readonly int _start;

    public NarrowScatterBackward(int dim, int start)
    {
        _dim = dim;
        _start = start;
    }

    public override string Name => "SliceBackwardBackward";

    internal override Tensor?[] Apply(Tensor g) => [g.Narrow(_dim, _start, Edges[0].Shape[_dim])];
}
