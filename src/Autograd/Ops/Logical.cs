using MiniTorch.Kernels;

namespace MiniTorch;

// Logical ops (any dtype in, Bool out: an element is true when non-zero) and bitwise ops (integers and Bool, in the
// promoted dtype), as PyTorch's logical_* and bitwise_*. None is differentiable; all are traced.
public partial class Tensor
{
    /// <summary>Elementwise a ∧ b of the operands' truth values (non-zero is true), a Bool tensor (PyTorch's <c>torch.logical_and</c>).</summary>
    public static Tensor LogicalAnd(Tensor a, Tensor b) => Logical(LogicalAndDefinition, a, b, new BitAndOp());

    /// <summary>Elementwise a ∨ b of the operands' truth values, a Bool tensor (PyTorch's <c>torch.logical_or</c>).</summary>
    public static Tensor LogicalOr(Tensor a, Tensor b) => Logical(LogicalOrDefinition, a, b, new BitOrOp());

    /// <summary>Elementwise a ⊕ b of the operands' truth values, a Bool tensor (PyTorch's <c>torch.logical_xor</c>).</summary>
    public static Tensor LogicalXor(Tensor a, Tensor b) => Logical(LogicalXorDefinition, a, b, new BitXorOp());

    /// <summary>Elementwise ¬x of the truth values (zero becomes true), a Bool tensor (PyTorch's <c>torch.logical_not</c>).</summary>
    public Tensor LogicalNot() =>
        LogicalNotDefinition.Record(ElementwiseInteger.Map("LogicalNot", ElementwiseInteger.Convert(this, DType.Bool), new BoolNotOp()), [this]);

    private static Tensor Logical<TOp>(OpDefinition<NoArgs> definition, Tensor a, Tensor b, TOp op) where TOp : struct, IIntegerBinaryOp
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var r = ElementwiseInteger.Map(definition.Name!, ElementwiseInteger.Convert(a, DType.Bool), ElementwiseInteger.Convert(b, DType.Bool), op);
        return definition.Record(r, [a, b]);
    }

    private static readonly OpDefinition<NoArgs> LogicalAndDefinition = new("LogicalAnd");
    private static readonly OpDefinition<NoArgs> LogicalOrDefinition = new("LogicalOr");
    private static readonly OpDefinition<NoArgs> LogicalXorDefinition = new("LogicalXor");
    private static readonly OpDefinition<NoArgs> LogicalNotDefinition = new("LogicalNot");

    /// <summary>Elementwise a &amp; b of integer or Bool tensors in their promoted dtype (PyTorch's <c>torch.bitwise_and</c>; floats are refused).</summary>
    public static Tensor BitwiseAnd(Tensor a, Tensor b) => Bitwise(BitwiseAndDefinition, a, b, new BitAndOp());

    /// <summary>Elementwise a | b of integer or Bool tensors in their promoted dtype (PyTorch's <c>torch.bitwise_or</c>).</summary>
    public static Tensor BitwiseOr(Tensor a, Tensor b) => Bitwise(BitwiseOrDefinition, a, b, new BitOrOp());

    /// <summary>Elementwise a ^ b of integer or Bool tensors in their promoted dtype (PyTorch's <c>torch.bitwise_xor</c>).</summary>
    public static Tensor BitwiseXor(Tensor a, Tensor b) => Bitwise(BitwiseXorDefinition, a, b, new BitXorOp());

    /// <summary>Elementwise ~x: the bits flipped for integers, logical not for Bool (PyTorch's <c>torch.bitwise_not</c>).</summary>
    public Tensor BitwiseNot()
    {
        if (DType == DType.Bool)
        {
            return BitwiseNotDefinition.Record(ElementwiseInteger.Map("BitwiseNot", this, new BoolNotOp()), [this]);
        }
        CheckBitwiseDType("BitwiseNot", DType);
        return BitwiseNotDefinition.Record(ElementwiseInteger.Map("BitwiseNot", this, new BitNotOp()), [this]);
    }

    private static Tensor Bitwise<TOp>(OpDefinition<NoArgs> definition, Tensor a, Tensor b, TOp op) where TOp : struct, IIntegerBinaryOp
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        string name = definition.Name!;
        var dtype = ResultType(a, b);
        CheckBitwiseDType(name, dtype);
        var r = ElementwiseInteger.Map(name, ElementwiseInteger.Convert(a, dtype), ElementwiseInteger.Convert(b, dtype), op);
        return definition.Record(r, [a, b]);
    }

    private static void CheckBitwiseDType(string op, DType dtype)
    {
        if (!dtype.IsIntegral(includeBool: true))
        {
            throw new NotSupportedException($"{op}: not implemented for dtype {dtype}; bitwise ops take integer or Bool tensors (PyTorch: \"not implemented for '{dtype.ScalarTypeName()}'\"). For masks use Bool tensors, e.g. from comparisons.");
        }
    }

    private static readonly OpDefinition<NoArgs> BitwiseAndDefinition = new("BitwiseAnd");
    private static readonly OpDefinition<NoArgs> BitwiseOrDefinition = new("BitwiseOr");
    private static readonly OpDefinition<NoArgs> BitwiseXorDefinition = new("BitwiseXor");
    private static readonly OpDefinition<NoArgs> BitwiseNotDefinition = new("BitwiseNot");

    /// <summary>Bitwise and (logical and for Bool tensors), as PyTorch's <c>&amp;</c>.</summary>
    public static Tensor operator &(Tensor a, Tensor b) => BitwiseAnd(a, b);

    /// <summary>Bitwise and with a bool scalar; the tensor keeps its dtype.</summary>
    public static Tensor operator &(Tensor a, bool b) => BitwiseAnd(a, ScalarTensor(b ? 1L : 0L, ResultType(a, b)));

    /// <summary>Bitwise and with an integer scalar (<see cref="ResultType(Tensor, long)"/>).</summary>
    public static Tensor operator &(Tensor a, long b) => BitwiseAnd(a, ScalarTensor(b, ResultType(a, b)));

    /// <summary>Bitwise or (logical or for Bool tensors), as PyTorch's <c>|</c>.</summary>
    public static Tensor operator |(Tensor a, Tensor b) => BitwiseOr(a, b);

    /// <summary>Bitwise or with a bool scalar; the tensor keeps its dtype.</summary>
    public static Tensor operator |(Tensor a, bool b) => BitwiseOr(a, ScalarTensor(b ? 1L : 0L, ResultType(a, b)));

    /// <summary>Bitwise or with an integer scalar (<see cref="ResultType(Tensor, long)"/>).</summary>
    public static Tensor operator |(Tensor a, long b) => BitwiseOr(a, ScalarTensor(b, ResultType(a, b)));

    /// <summary>Bitwise exclusive or (logical xor for Bool tensors), as PyTorch's <c>^</c>.</summary>
    public static Tensor operator ^(Tensor a, Tensor b) => BitwiseXor(a, b);

    /// <summary>Bitwise exclusive or with a bool scalar; the tensor keeps its dtype.</summary>
    public static Tensor operator ^(Tensor a, bool b) => BitwiseXor(a, ScalarTensor(b ? 1L : 0L, ResultType(a, b)));

    /// <summary>Bitwise exclusive or with an integer scalar (<see cref="ResultType(Tensor, long)"/>).</summary>
    public static Tensor operator ^(Tensor a, long b) => BitwiseXor(a, ScalarTensor(b, ResultType(a, b)));

    /// <summary>Bitwise not (logical not for Bool tensors), as PyTorch's <c>~</c>.</summary>
    public static Tensor operator ~(Tensor a) => a.BitwiseNot();

    /// <summary>Logical not of any tensor, a Bool tensor (<see cref="LogicalNot"/>); <c>!mask</c> equals <c>~mask</c> for a Bool mask.</summary>
    public static Tensor operator !(Tensor a) => a.LogicalNot();
}
