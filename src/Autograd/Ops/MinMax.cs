using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>Elementwise maximum with broadcasting; on ties the gradient is split evenly, as in PyTorch.</summary>
    /// <remarks>The operands are promoted (<see cref="ResultType(Tensor, Tensor)"/>); NaN in either gives NaN, as in PyTorch.</remarks>
    public static Tensor Maximum(Tensor a, Tensor b) => IsFloatPair(a, b)
        ? MaximumDefinition.Record(Elementwise.Map("Maximum", a, b, new MaxOp()), [a, b])
        : PromotedBinary(MaximumDefinition, a, b, new MaxOp(), new IntMaxOp());

    private static readonly OpDefinition<NoArgs> MaximumDefinition = new("Maximum", "MaximumBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0), Save.Input(1)],
        Backward = static c => ExtremumGrads(c, ExtremumShare(c.Input(0), c.Input(1), greater: true)),
        Jvp = static c => ExtremumTangent(c, ExtremumShare(c.Input(0), c.Input(1), greater: true)),
    };

    /// <summary>Elementwise minimum with broadcasting; on ties the gradient is split evenly, as in PyTorch.</summary>
    /// <remarks>The operands are promoted (<see cref="ResultType(Tensor, Tensor)"/>); NaN in either gives NaN, as in PyTorch.</remarks>
    public static Tensor Minimum(Tensor a, Tensor b) => IsFloatPair(a, b)
        ? MinimumDefinition.Record(Elementwise.Map("Minimum", a, b, new MinOp()), [a, b])
        : PromotedBinary(MinimumDefinition, a, b, new MinOp(), new IntMinOp());

    private static readonly OpDefinition<NoArgs> MinimumDefinition = new("Minimum", "MinimumBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0), Save.Input(1)],
        Backward = static c => ExtremumGrads(c, ExtremumShare(c.Input(0), c.Input(1), greater: false)),
        Jvp = static c => ExtremumTangent(c, ExtremumShare(c.Input(0), c.Input(1), greater: false)),
    };

    /// <summary>The share of a's gradient (or tangent) in the result: 1 where a wins, 1/2 on a tie, 0 where b wins.</summary>
    private static Tensor ExtremumShare(Tensor a, Tensor b, bool greater) => Where(a.Eq(b), 0.5, (greater ? a.Gt(b) : a.Lt(b)).To(a.DType));

    private static Tensor?[] ExtremumGrads(BackwardCall<NoArgs> c, Tensor share) =>
    [
        c.NeedsGrad(0) ? c.SumToInput(0, c.Grad * share) : null,
        c.NeedsGrad(1) ? c.SumToInput(1, c.Grad * (1 - share)) : null,
    ];

    /// <summary>Each operand's tangent weighted by its share (the mean of both on a tie, as PyTorch).</summary>
    private static Tensor ExtremumTangent(JvpCall<NoArgs> c, Tensor share) => (c.Tangent(0), c.Tangent(1)) switch
    {
        ({ } ta, null) => ta * share,
        (null, { } tb) => tb * (1 - share),
        var (ta, tb) => ta! * share + tb! * (1 - share),
    };
}
