using MiniTorch.Kernels;

namespace MiniTorch;

// Floor division and remainder with Python's sign rules, for every dtype (PyTorch's floor_divide and remainder).
public partial class Tensor
{
    /// <summary>
    /// ⌊a / b⌋ elementwise with broadcasting and type promotion (PyTorch's <c>torch.floor_divide</c>, Python's <c>//</c>):
    /// the quotient rounded toward −∞, so <c>-7 // 2 = -4</c>. Integer division by zero throws
    /// <see cref="DivideByZeroException"/> (PyTorch raises ZeroDivisionError); floats give ±inf or NaN.
    /// </summary>
    /// <remarks>Not differentiable, as in PyTorch (whose backward raises "derivative for floor_divide is not implemented").</remarks>
    public static Tensor FloorDivide(Tensor a, Tensor b) =>
        PromotedBinary(FloorDivideDefinition, a, b, new LoopBinary<FloorDivideOp>(default), new IntFloorDivideOp());

    /// <summary>⌊x / s⌋ for a floating scalar (see <see cref="FloorDivide(Tensor, Tensor)"/>).</summary>
    public static Tensor FloorDivide(Tensor x, double s) => FloorDivide(x, ScalarTensor(s, ResultType(x, s)));

    /// <summary>⌊x / s⌋ for an integer scalar; an integer tensor keeps its dtype.</summary>
    public static Tensor FloorDivide(Tensor x, long s) => FloorDivide(x, ScalarTensor(s, ResultType(x, s)));

    private static readonly OpDefinition<NoArgs> FloorDivideDefinition = new("FloorDivide", "FloorDivideBackward")
    {
        Differentiable = Operands.All,
        Backward = static _ => throw new NotSupportedException("FloorDivide: the derivative for FloorDivide is not implemented (PyTorch: \"the derivative for 'floor_divide' is not implemented\"); it is zero almost everywhere."),
    };

    /// <summary>
    /// a mod b elementwise with the sign of the divisor (PyTorch's <c>torch.remainder</c>, Python's <c>%</c>): <c>-7 % 2 = 1</c>,
    /// <c>7 % -2 = -1</c>. Integer remainder by zero throws <see cref="DivideByZeroException"/>.
    /// </summary>
    public static Tensor Remainder(Tensor a, Tensor b) =>
        PromotedBinary(RemainderDefinition, a, b, new LoopBinary<RemainderOp>(default), new IntRemainderOp());

    /// <summary>x mod s for a floating scalar (see <see cref="Remainder(Tensor, Tensor)"/>).</summary>
    public static Tensor Remainder(Tensor x, double s) => Remainder(x, ScalarTensor(s, ResultType(x, s)));

    /// <summary>x mod s for an integer scalar; an integer tensor keeps its dtype.</summary>
    public static Tensor Remainder(Tensor x, long s) => Remainder(x, ScalarTensor(s, ResultType(x, s)));

    // PyTorch's RemainderBackward: a − b·⌊a/b⌋, so d/da = 1 and d/db = −⌊a/b⌋.
    private static readonly OpDefinition<NoArgs> RemainderDefinition = new("Remainder", "RemainderBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0).IfRequiresGrad(1), Save.Input(1).IfRequiresGrad(1)],
        Backward = static c =>
        [
            c.NeedsGrad(0) ? c.SumToInput(0, c.Grad) : null,
            c.NeedsGrad(1) ? c.SumToInput(1, -c.Grad * FloorDivide(c.Input(0), c.Input(1)).Detach()) : null,
        ],
        Jvp = static c => (c.Tangent(0), c.Tangent(1)) switch
        {
            ({ } ta, null) => ta.Clone(),
            (null, { } tb) => -tb * FloorDivide(c.Input(0), c.Input(1)).Detach(),
            var (ta, tb) => ta! - tb! * FloorDivide(c.Input(0), c.Input(1)).Detach(),
        },
    };

    /// <summary>x mod y (PyTorch's <c>%</c> operator, <see cref="Remainder(Tensor, Tensor)"/>).</summary>
    public static Tensor operator %(Tensor a, Tensor b) => Remainder(a, b);

    /// <summary>x mod s for a floating scalar.</summary>
    public static Tensor operator %(Tensor a, double s) => Remainder(a, s);

    /// <summary>x mod s for an integer scalar.</summary>
    public static Tensor operator %(Tensor a, long s) => Remainder(a, s);
}
