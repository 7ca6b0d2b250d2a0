using MiniTorch.Kernels;

namespace MiniTorch;

// Comparisons give masks: tensors of the inputs' dtype holding 1 where the relation holds and 0
// elsewhere (PyTorch gives bool tensors; MiniTorch keeps one element kind, see docs/design.md).
// Masks carry no gradient.
public partial class Tensor
{
    /// <summary>Mask of this == other.</summary>
    public Tensor Eq(Tensor other) => Compare(EqDefinition, this, other, Comparison.Equal);

    /// <summary>Mask of this != other.</summary>
    public Tensor Ne(Tensor other) => Compare(NeDefinition, this, other, Comparison.NotEqual);

    /// <summary>Mask of this &lt; other.</summary>
    public Tensor Lt(Tensor other) => Compare(LtDefinition, this, other, Comparison.Less);

    /// <summary>Mask of this ≤ other.</summary>
    public Tensor Le(Tensor other) => Compare(LeDefinition, this, other, Comparison.LessOrEqual);

    /// <summary>Mask of this &gt; other.</summary>
    public Tensor Gt(Tensor other) => Compare(GtDefinition, this, other, Comparison.Greater);

    /// <summary>Mask of this ≥ other.</summary>
    public Tensor Ge(Tensor other) => Compare(GeDefinition, this, other, Comparison.GreaterOrEqual);

    /// <summary>Mask of this == value.</summary>
    public Tensor Eq(double value) => Compare(EqDefinition, this, ScalarLike(value), Comparison.Equal);

    /// <summary>Mask of this != value.</summary>
    public Tensor Ne(double value) => Compare(NeDefinition, this, ScalarLike(value), Comparison.NotEqual);

    /// <summary>Mask of this &lt; value.</summary>
    public Tensor Lt(double value) => Compare(LtDefinition, this, ScalarLike(value), Comparison.Less);

    /// <summary>Mask of this ≤ value.</summary>
    public Tensor Le(double value) => Compare(LeDefinition, this, ScalarLike(value), Comparison.LessOrEqual);

    /// <summary>Mask of this &gt; value.</summary>
    public Tensor Gt(double value) => Compare(GtDefinition, this, ScalarLike(value), Comparison.Greater);

    /// <summary>Mask of this ≥ value.</summary>
    public Tensor Ge(double value) => Compare(GeDefinition, this, ScalarLike(value), Comparison.GreaterOrEqual);

    /// <summary>Whether both tensors have the same shape and all elements are within atol + rtol·|other| (PyTorch's <c>allclose</c>).</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        if (!Shapes.SameShape(_shape, other._shape))
        {
            return false;
        }
        var a = ToDoubleArray();
        var b = other.ToDoubleArray();
        for (int i = 0; i < a.Length; i++)
        {
            if (!(Math.Abs(a[i] - b[i]) <= atol + rtol * Math.Abs(b[i])) && !(a[i] == b[i]))
            {
                return false;
            }
        }
        return true;
    }

    private Tensor ScalarLike(double value) => Full([], value, DType);

    private static Tensor Compare(OpDefinition<NoArgs> definition, Tensor a, Tensor b, Comparison kind) =>
        definition.Record(Elementwise.Map(definition.Name!, a, b, new LoopBinary<CompareOp>(new CompareOp(kind))), [a, b]);

    // Traced only: a mask has no gradient and no tangent.
    private static readonly OpDefinition<NoArgs> EqDefinition = new("Eq");
    private static readonly OpDefinition<NoArgs> NeDefinition = new("Ne");
    private static readonly OpDefinition<NoArgs> LtDefinition = new("Lt");
    private static readonly OpDefinition<NoArgs> LeDefinition = new("Le");
    private static readonly OpDefinition<NoArgs> GtDefinition = new("Gt");
    private static readonly OpDefinition<NoArgs> GeDefinition = new("Ge");
}
