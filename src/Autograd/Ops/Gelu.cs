using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>1/√(2π), the scale of the standard normal density φ.</summary>
    private const double InvSqrtTwoPi = 0.39894228040143267793994605993438186847585863116493;

    /// <summary>
    /// The exact GELU x·Φ(x) = x·½·(1 + erf(x/√2)) as one fused op (PyTorch's <c>F.gelu</c> with
    /// <c>approximate='none'</c>), bit-identical in float32 to that composite of tensor ops (see <see cref="GeluKernel"/>).
    /// Its backward is the fused <see cref="GeluGrad"/>, itself differentiable, so gradients of any order and forward-mode
    /// tangents exist as through the composite. Not traced here: <c>Functional.Gelu</c> reports it as one <c>Gelu</c> op.
    /// </summary>
    internal Tensor GeluExact()
    {
        var src = ContiguousRaw();
        var y = Empty(_shape, DType);
        bool keep = Node.IsNeeded(this) || (ForwardAD.IsActive && ForwardAD.TangentOf(this) is not null);
        var erfTerm = keep ? Empty(_shape, DType) : null;
        if (DType == DType.Float32)
        {
            ParallelElementwise.For(Numel, new GeluForwardChunk<float>(src.Data<float>(), src.Offset, y.Data<float>(), erfTerm?.Data<float>()));
        }
        else
        {
            ParallelElementwise.For(Numel, new GeluForwardChunk<double>(src.Data<double>(), src.Offset, y.Data<double>(), erfTerm?.Data<double>()));
        }
        if (Node.IsNeeded(this))
        {
            new SavedPairBackward("GeluBackward", this, erfTerm!, static (g, x, s) => GeluGrad(g, x, s)).Connect(y, this);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Elementwise(y, this, this, erfTerm ?? this, static (t, x, s) => GeluGrad(t, x, s));
        }
        return y;
    }

    /// <summary>
    /// GELU's backward g·gelu′(x), gelu′(x) = Φ(x) + x·φ(x), fused; <paramref name="erfTerm"/> is 1 + erf(x/√2) from the
    /// forward, a cached function of x (not an input of the graph). Differentiable in g (linear: itself) and in x
    /// (g·gelu″(x), gelu″(x) = φ(x)·(2 − x²), written with tensor ops so it has derivatives of its own).
    /// </summary>
    internal static Tensor GeluGrad(Tensor g, Tensor x, Tensor erfTerm)
    {
        var gc = g.ContiguousRaw();
        var xc = x.ContiguousRaw();
        var dx = Empty(x._shape, x.DType);
        if (x.DType == DType.Float32)
        {
            RunGeluBackward<float>(gc, xc, erfTerm, dx);
        }
        else
        {
            RunGeluBackward<double>(gc, xc, erfTerm, dx);
        }
        if (Node.IsNeeded(g, x))
        {
            new GeluGradBackward(g, x, erfTerm).Connect(dx, g, x);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Binary(dx, g, x, (tg, tx, g, x, _) =>
            {
                var fromG = tg is null ? null : GeluGrad(tg, x, erfTerm);
                var fromX = tx is null ? null : g * GeluSecondDerivative(x) * tx;
                return fromG is null ? fromX! : fromX is null ? fromG : fromG + fromX;
            });
        }
        Tracing.Record("GeluGrad", dx, g, x);
        return dx;
    }

    private static void RunGeluBackward<T>(Tensor g, Tensor x, Tensor erfTerm, Tensor dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ParallelElementwise.For(x.Numel, new GeluBackwardChunk<T>(g.Data<T>(), g.Offset, x.Data<T>(), x.Offset, erfTerm.Data<T>(), erfTerm.Offset, dx.Data<T>()));

    /// <summary>gelu″(x) = φ(x)·(2 − x²) with tensor ops (differentiable again).</summary>
    internal static Tensor GeluSecondDerivative(Tensor x)
    {
        var x2 = x * x;
        return (x2 * -0.5).Exp() * InvSqrtTwoPi * (2 - x2);
    }

    private sealed class GeluGradBackward : Node
    {
        private SavedTensor _g;
        private SavedTensor _x;
        private SavedTensor _erfTerm;

        public GeluGradBackward(Tensor g, Tensor x, Tensor erfTerm)
        {
            _g = new SavedTensor(g);
            _x = new SavedTensor(x);
            _erfTerm = new SavedTensor(erfTerm);
        }

        public override string Name => "GeluBackwardBackward";

        internal override Tensor?[] Apply(Tensor gg)
        {
            var x = _x.Unpack(this);
            return
            [
                NeedsInputGrad(0) ? GeluGrad(gg, x, _erfTerm.Unpack(this)) : null,
                NeedsInputGrad(1) ? gg * _g.Unpack(this) * GeluSecondDerivative(x) : null,
            ];
        }

        internal override void ReleaseSavedTensors()
        {
            _g.Release();
            _x.Release();
            _erfTerm.Release();
        }
    }
}
