using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>Elementwise maximum with broadcasting; on ties the gradient is split evenly, as in PyTorch.</summary>
    public static Tensor Maximum(Tensor a, Tensor b)
    {
        var r = Elementwise.Map("Maximum", a, b, new MaxOp());
        if (Node.IsNeeded(a, b))
        {
            new ExtremumBackward("MaximumBackward", a, b, pickFirstWhenGreater: true).Connect(r, a, b);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Binary(r, a, b, static (ta, tb, a, b, _) => ExtremumBackward.Jvp(ta, tb, ExtremumBackward.Share(a, b, greater: true)));
        }
        Tracing.Record("Maximum", r, a, b);
        return r;
    }

    /// <summary>Elementwise minimum with broadcasting; on ties the gradient is split evenly, as in PyTorch.</summary>
    public static Tensor Minimum(Tensor a, Tensor b)
    {
        var r = Elementwise.Map("Minimum", a, b, new MinOp());
        if (Node.IsNeeded(a, b))
        {
            new ExtremumBackward("MinimumBackward", a, b, pickFirstWhenGreater: false).Connect(r, a, b);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Binary(r, a, b, static (ta, tb, a, b, _) => ExtremumBackward.Jvp(ta, tb, ExtremumBackward.Share(a, b, greater: false)));
        }
        Tracing.Record("Minimum", r, a, b);
        return r;
    }
}

internal sealed class ExtremumBackward : Node
{
    private readonly string _name;
    private readonly bool _greater;
    private SavedTensor _a;
    private SavedTensor _b;

    public ExtremumBackward(string name, Tensor a, Tensor b, bool pickFirstWhenGreater)
    {
        _name = name;
        _greater = pickFirstWhenGreater;
        _a = new SavedTensor(a);
        _b = new SavedTensor(b);
    }

    public override string Name => _name;

    internal override Tensor?[] Apply(Tensor g)
    {
        var a = _a.Unpack(this);
        var b = _b.Unpack(this);
        var share = Share(a, b, _greater);
        return
        [
            NeedsInputGrad(0) ? (g * share).SumToShape(Edges[0].Shape) : null,
            NeedsInputGrad(1) ? (g * (1 - share)).SumToShape(Edges[1].Shape) : null,
        ];
    }

    /// <summary>The share of a's gradient (or tangent) in the result: 1 where a wins, 1/2 on a tie, 0 where b wins.</summary>
    internal static Tensor Share(Tensor a, Tensor b, bool greater) => Tensor.Where(a.Eq(b), 0.5, greater ? a.Gt(b) : a.Lt(b));

    /// <summary>The tangent: each input's tangent weighted by its share (the mean of both on a tie, as PyTorch).</summary>
    internal static Tensor Jvp(Tensor? ta, Tensor? tb, Tensor share) =>
        ta is null ? tb! * (1 - share) : tb is null ? ta * share : ta * share + tb * (1 - share);

    internal override void ReleaseSavedTensors()
    {
        _a.Release();
        _b.Release();
    }
}
