using MiniTorch.Kernels;

namespace MiniTorch;

// Comparisons give Bool masks, as in PyTorch, computed in the operands' promoted dtype (torch.result_type): an Int64
// tensor compared with 0.5 is compared in the default floating dtype. Masks carry no gradient.
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
    public Tensor Eq(double value) => Compare(EqDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.Equal);

    /// <summary>Mask of this == value for an integer value (compared in this tensor's dtype when it is integer or floating).</summary>
    public Tensor Eq(long value) => Compare(EqDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.Equal);

    /// <summary>Mask of this != value.</summary>
    public Tensor Ne(double value) => Compare(NeDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.NotEqual);

    /// <summary>Mask of this != value for an integer value (compared in this tensor's dtype when it is integer or floating).</summary>
    public Tensor Ne(long value) => Compare(NeDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.NotEqual);

    /// <summary>Mask of this &lt; value.</summary>
    public Tensor Lt(double value) => Compare(LtDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.Less);

    /// <summary>Mask of this &lt; value for an integer value (compared in this tensor's dtype when it is integer or floating).</summary>
    public Tensor Lt(long value) => Compare(LtDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.Less);

    /// <summary>Mask of this ≤ value.</summary>
    public Tensor Le(double value) => Compare(LeDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.LessOrEqual);

    /// <summary>Mask of this ≤ value for an integer value (compared in this tensor's dtype when it is integer or floating).</summary>
    public Tensor Le(long value) => Compare(LeDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.LessOrEqual);

    /// <summary>Mask of this &gt; value.</summary>
    public Tensor Gt(double value) => Compare(GtDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.Greater);

    /// <summary>Mask of this &gt; value for an integer value (compared in this tensor's dtype when it is integer or floating).</summary>
    public Tensor Gt(long value) => Compare(GtDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.Greater);

    /// <summary>Mask of this ≥ value.</summary>
    public Tensor Ge(double value) => Compare(GeDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.GreaterOrEqual);

    /// <summary>Mask of this ≥ value for an integer value (compared in this tensor's dtype when it is integer or floating).</summary>
    public Tensor Ge(long value) => Compare(GeDefinition, this, ScalarTensor(value, ResultType(this, value)), Comparison.GreaterOrEqual);

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

    // The operands are converted to their promoted dtype without history: a mask has no gradient to send back.
    private static Tensor Compare(OpDefinition<NoArgs> definition, Tensor a, Tensor b, Comparison kind)
    {
        ArgumentNullException.ThrowIfNull(b);
        var dtype = a.DType == b.DType ? a.DType : ResultType(a, b);
        var r = ElementwiseCompare.Map(definition.Name!, ElementwiseInteger.Convert(a, dtype), ElementwiseInteger.Convert(b, dtype), kind);
        return definition.Record(r, [a, b]);
    }

    // Traced only: a mask has no gradient and no tangent.
    private static readonly OpDefinition<NoArgs> EqDefinition = new("Eq");
    private static readonly OpDefinition<NoArgs> NeDefinition = new("Ne");
    private static readonly OpDefinition<NoArgs> LtDefinition = new("Lt");
    private static readonly OpDefinition<NoArgs> LeDefinition = new("Le");
    private static readonly OpDefinition<NoArgs> GtDefinition = new("Gt");
    private static readonly OpDefinition<NoArgs> GeDefinition = new("Ge");
}
