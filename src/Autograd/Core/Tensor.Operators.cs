namespace MiniTorch;

// C# operators for the arithmetic ops, with scalars on either side. A double scalar is a floating scalar and a long
// (which int literals bind to) an integer one, so int64Tensor + 2 stays Int64 while int64Tensor + 2.5 is float32, as in
// PyTorch. Comparison operators give Bool masks; == and != are not overloaded (they keep reference equality), use
// Eq/Ne for elementwise equality.
public partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => Add(a, s);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double s, Tensor a) => Add(a, s);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b);

    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => Sub(a, s);

    /// <summary>A scalar minus each element.</summary>
    public static Tensor operator -(double s, Tensor a) => Sub(s, a);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => Mul(a, s);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double s, Tensor a) => Mul(a, s);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b);

    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => Div(a, s);

    /// <summary>A scalar divided by each element.</summary>
    public static Tensor operator /(double s, Tensor a) => Div(s, a);

    /// <summary>Mask of a &lt; b.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);

    /// <summary>Mask of a &gt; b.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);

    /// <summary>Mask of a ≤ b.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);

    /// <summary>Mask of a ≥ b.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);

    /// <summary>Mask of a &lt; s.</summary>
    public static Tensor operator <(Tensor a, double s) => a.Lt(s);

    /// <summary>Mask of a &gt; s.</summary>
    public static Tensor operator >(Tensor a, double s) => a.Gt(s);

    /// <summary>Mask of a ≤ s.</summary>
    public static Tensor operator <=(Tensor a, double s) => a.Le(s);

    /// <summary>Mask of a ≥ s.</summary>
    public static Tensor operator >=(Tensor a, double s) => a.Ge(s);

    /// <summary>Mask of s &lt; a.</summary>
    public static Tensor operator <(double s, Tensor a) => a.Gt(s);

    /// <summary>Mask of s &gt; a.</summary>
    public static Tensor operator >(double s, Tensor a) => a.Lt(s);

    /// <summary>Mask of s ≤ a.</summary>
    public static Tensor operator <=(double s, Tensor a) => a.Ge(s);

    /// <summary>Mask of s ≥ a.</summary>
    public static Tensor operator >=(double s, Tensor a) => a.Le(s);

    /// <summary>Adds an integer scalar (an integer tensor keeps its dtype).</summary>
    public static Tensor operator +(Tensor a, long s) => Add(a, s);

    /// <summary>Adds an integer scalar (an integer tensor keeps its dtype).</summary>
    public static Tensor operator +(long s, Tensor a) => Add(a, s);

    /// <summary>Subtracts an integer scalar (an integer tensor keeps its dtype).</summary>
    public static Tensor operator -(Tensor a, long s) => Sub(a, s);

    /// <summary>An integer scalar minus each element.</summary>
    public static Tensor operator -(long s, Tensor a) => Sub(s, a);

    /// <summary>Multiplies by an integer scalar (an integer tensor keeps its dtype).</summary>
    public static Tensor operator *(Tensor a, long s) => Mul(a, s);

    /// <summary>Multiplies by an integer scalar (an integer tensor keeps its dtype).</summary>
    public static Tensor operator *(long s, Tensor a) => Mul(a, s);

    /// <summary>Divides by an integer scalar (true division: an integer tensor gives the default floating dtype).</summary>
    public static Tensor operator /(Tensor a, long s) => Div(a, s);

    /// <summary>An integer scalar divided by each element (true division).</summary>
    public static Tensor operator /(long s, Tensor a) => Div(s, a);

    /// <summary>Mask of a &lt; s.</summary>
    public static Tensor operator <(Tensor a, long s) => a.Lt(s);

    /// <summary>Mask of a &gt; s.</summary>
    public static Tensor operator >(Tensor a, long s) => a.Gt(s);

    /// <summary>Mask of a ≤ s.</summary>
    public static Tensor operator <=(Tensor a, long s) => a.Le(s);

    /// <summary>Mask of a ≥ s.</summary>
    public static Tensor operator >=(Tensor a, long s) => a.Ge(s);

    /// <summary>Mask of s &lt; a.</summary>
    public static Tensor operator <(long s, Tensor a) => a.Gt(s);

    /// <summary>Mask of s &gt; a.</summary>
    public static Tensor operator >(long s, Tensor a) => a.Lt(s);

    /// <summary>Mask of s ≤ a.</summary>
    public static Tensor operator <=(long s, Tensor a) => a.Ge(s);

    /// <summary>Mask of s ≥ a.</summary>
    public static Tensor operator >=(long s, Tensor a) => a.Le(s);
}
