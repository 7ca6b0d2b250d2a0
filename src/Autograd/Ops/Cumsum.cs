using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// The cumulative sum along <paramref name="dim"/>: element i is the sum of elements 0..i (PyTorch's
    /// <c>torch.cumsum</c>). Integer and bool tensors give Int64, as in PyTorch; floating ones keep their dtype and are differentiable.
    /// </summary>
    public Tensor Cumsum(int dim)
    {
        int d = Rank == 0 ? Shapes.NormalizeDim("Cumsum", dim, 1) : Shapes.NormalizeDim("Cumsum", dim, Rank);
        Tensor source = this;
        if (!IsFloat(this))
        {
            if (!DType.IsIntegral(includeBool: true))
            {
                throw Elementwise.NotFloat("Cumsum", DType);
            }
            source = ElementwiseInteger.Convert(this, DType.Int64);
        }
        return CumsumDefinition.Record(ReductionCumulative.Cumsum(source, Rank == 0 ? 0 : d), [this], Rank == 0 ? 0 : d);
    }

    // The gradient of a prefix sum is the suffix sum of the gradient: Σ_{j≥i} g_j = Σ g − cumsum(g) + g.
    private static readonly OpDefinition<int> CumsumDefinition = new("Cumsum", "CumsumBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [c.Grad.Rank == 0 ? c.Grad : c.Grad.Sum(c.Args, keepDim: true) - c.Grad.Cumsum(c.Args) + c.Grad],
        Jvp = static c => c.Tangent(0)!.Cumsum(c.Args),
        Attributes = static dim => new OpAttributes { { "dim", dim } },
    };
}
