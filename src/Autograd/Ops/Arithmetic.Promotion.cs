using MiniTorch.Kernels;

namespace MiniTorch;

// The dtype dispatch of the arithmetic ops. Float32 and Float64 operands of one dtype take the unchanged fast path (one
// dtype test); everything else is promoted here (torch.result_type), each operand converted with the differentiable
// To(DType), so the gradient reaching an operand is cast back to its own dtype (ToCopyBackward), as PyTorch's is.
public partial class Tensor
{
    /// <summary>Whether both operands are float32 or both float64: the fast path, no promotion.</summary>
    private static bool IsFloatPair(Tensor a, Tensor b) => a.DType == b.DType && (uint)a.DType <= (uint)DType.Float64;

    /// <summary>Whether the tensor is float32 or float64, the dtypes the SIMD kernels compute in.</summary>
    private static bool IsFloat(Tensor x) => (uint)x.DType <= (uint)DType.Float64;

    /// <summary>The dtype a true division computes in: the promoted dtype if floating, else the default floating dtype (PyTorch's true_divide).</summary>
    private static DType FloatingResultType(DType promoted) => promoted.IsFloatingPoint() ? promoted : GetDefaultDType();

    /// <summary>A binary op in the operands' promoted dtype: the float kernel, the float kernel in float32 for 16-bit floats (as PyTorch's CPU kernels compute), or the integer kernel.</summary>
    private static Tensor PromotedBinary<TOp, TIntOp>(OpDefinition<NoArgs> definition, Tensor a, Tensor b, TOp op, TIntOp intOp)
        where TOp : struct, IBinaryOp
        where TIntOp : struct, IIntegerBinaryOp
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        string name = definition.Name!;
        if (name == "Sub")
        {
            CheckBoolSub(a.DType, b.DType);
        }
        var dtype = ResultType(a, b);
        if (dtype == DType.Bool && name is "FloorDivide" or "Remainder")
        {
            throw Elementwise.NotFloat(name, dtype);
        }
        var x = a.PromotedTo(dtype);
        var y = b.PromotedTo(dtype);
        return definition.Record(PromotedKernel(name, x, y, op, intOp), [x, y]);
    }

    /// <summary>op(x, y) for operands already of one dtype, by the kernel that dtype needs.</summary>
    private static Tensor PromotedKernel<TOp, TIntOp>(string name, Tensor x, Tensor y, TOp op, TIntOp intOp)
        where TOp : struct, IBinaryOp
        where TIntOp : struct, IIntegerBinaryOp
    {
        var dtype = x.DType;
        if ((uint)dtype <= (uint)DType.Float64)
        {
            return Elementwise.Map(name, x, y, op);
        }
        if (dtype.IsFloatingPoint())
        {
            var wide = Elementwise.Map(name, ElementwiseInteger.Convert(x, DType.Float32), ElementwiseInteger.Convert(y, DType.Float32), op);
            return ElementwiseInteger.Convert(wide, dtype);
        }
        try
        {
            return ElementwiseInteger.Map(name, x, y, intOp);
        }
        catch (DivideByZeroException e)
        {
            throw new DivideByZeroException($"{name}: integer division by zero (PyTorch: \"ZeroDivisionError\"), dtype {dtype}.", e);
        }
    }

    /// <summary>Refuses a subtraction with a Bool operand (tensor or scalar), with PyTorch's messages.</summary>
    private static void CheckBoolSub(DType a, DType b)
    {
        if (a != DType.Bool && b != DType.Bool)
        {
            return;
        }
        throw a == b
            ? new NotSupportedException("Sub: subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` operator or LogicalXor() instead (PyTorch: \"Subtraction, the `-` operator, with two bool tensors is not supported\").")
            : new NotSupportedException("Sub: subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` operator or LogicalNot() instead; to compute with a mask, convert it with To(DType.Float32) (PyTorch: \"Subtraction, the `-` operator, with a bool tensor is not supported\").");
    }

    /// <summary>A unary op on an integer or bool tensor (integer kernel) or a 16-bit float one (computed in float32).</summary>
    private static Tensor IntegerOrHalfUnary<TIntOp, TOp>(string name, Tensor x, TIntOp intOp, TOp op)
        where TIntOp : struct, IIntegerUnaryOp
        where TOp : struct, IUnaryOp
    {
        if (x.DType.IsFloatingPoint())
        {
            return ElementwiseInteger.Convert(Elementwise.Map(ElementwiseInteger.Convert(x, DType.Float32), op), x.DType);
        }
        return ElementwiseInteger.Map(name, x, intOp);
    }
}
