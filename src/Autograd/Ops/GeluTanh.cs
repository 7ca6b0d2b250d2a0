using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// GELU's tanh approximation x·½·(1 + tanh(√(2/π)(x + 0.044715x³))) as one fused op (PyTorch's <c>F.gelu</c> with
    /// <c>approximate='tanh'</c>), bit-identical in float32 to that composite of tensor ops (see <see cref="GeluTanhKernel"/>).
    /// The backward is fused; under <c>createGraph</c> and for tangents it is the same derivative in tensor ops, so
    /// derivatives of any order exist. Not traced here: <see cref="Gelu"/> reports it as one <c>Gelu</c> op.
    /// </summary>
    internal Tensor GeluTanhApproximation()
    {
        var src = ContiguousRaw();
        var y = Empty(_shape, DType);
        var tanhTerm = RequiresGrad && Autograd.IsGradEnabled ? Empty(_shape, DType) : null;
        if (DType == DType.Float32)
        {
            ParallelElementwise.For(Numel, new GeluTanhForwardChunk<float>(src.Data<float>(), src.Offset, y.Data<float>(), tanhTerm?.Data<float>()));
        }
        else
        {
            ParallelElementwise.For(Numel, new GeluTanhForwardChunk<double>(src.Data<double>(), src.Offset, y.Data<double>(), tanhTerm?.Data<double>()));
        }
        src.DisposeIfCopyOf(this);
        return GeluTanhDefinition.Record(y, [this, tanhTerm]);
    }

    // The tanh term is a cached function of x, saved beside it (an operand without an edge) for the fused backward.
    private static readonly OpDefinition<NoArgs> GeluTanhDefinition = new(null, "GeluBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0), Save.Input(1)],
        Backward = static c => [Autograd.IsGradEnabled ? c.Grad * GeluTanhDerivative(c.Input(0)) : GeluTanhGradFused(c.Grad, c.Input(0), c.Input(1))],
        Jvp = static c => c.Tangent(0)! * GeluTanhDerivative(c.Input(0)),
    };

    /// <summary>The derivative ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²), t = tanh(inner), in tensor ops (differentiable).</summary>
    private static Tensor GeluTanhDerivative(Tensor x)
    {
        var x2 = x * x;
        var t = ((x + x2 * x * GeluTanhKernel.Cubic) * GeluTanhKernel.SqrtTwoOverPi).Tanh();
        var innerDerivative = (x2 * (3 * GeluTanhKernel.Cubic) + 1) * GeluTanhKernel.SqrtTwoOverPi;
        return (t + 1) * 0.5 + x * (1 - t * t) * innerDerivative * 0.5;
    }

    private static Tensor GeluTanhGradFused(Tensor g, Tensor x, Tensor tanhTerm)
    {
        var gc = g.ContiguousRaw();
        var xc = x.ContiguousRaw();
        var dx = Empty(x._shape, x.DType);
        if (x.DType == DType.Float32)
        {
            RunGeluTanhBackward<float>(gc, xc, tanhTerm, dx);
        }
        else
        {
            RunGeluTanhBackward<double>(gc, xc, tanhTerm, dx);
        }
        gc.DisposeIfCopyOf(g);
        xc.DisposeIfCopyOf(x);
        return dx;
    }

    private static void RunGeluTanhBackward<T>(Tensor g, Tensor x, Tensor tanhTerm, Tensor dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ParallelElementwise.For(x.Numel, new GeluTanhBackwardChunk<T>(g.Data<T>(), g.Offset, x.Data<T>(), x.Offset, tanhTerm.Data<T>(), tanhTerm.Offset, dx.Data<T>()));
}
