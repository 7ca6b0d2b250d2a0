using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>1/√(2π), the scale of the standard normal density φ.</summary>
    private const double InvSqrtTwoPi = 0.39894228040143267793994605993438186847585863116493;

    /// <summary>
    /// GELU, x·Φ(x) with Φ the standard normal CDF (PyTorch's <c>F.gelu</c>), or its tanh approximation; one fused
    /// op each way, bit-identical in float32 to the composite of tensor ops, with gradients of any order and tangents.
    /// </summary>
    public Tensor Gelu(GeluApproximation approximate = GeluApproximation.None)
    {
        DTypeCheck.RequireFloating("Gelu", this, "GeluKernelImpl");
        var output = approximate == GeluApproximation.Tanh ? GeluTanhApproximation() : GeluExact();
        return GeluTrace.Record(output, [this], approximate);
    }

    // Traced as one op with ONNX's attribute; the fused definitions below record the node and the tangent.
    private static readonly OpDefinition<GeluApproximation> GeluTrace = new("Gelu")
    {
        Attributes = static a => new OpAttributes { { "approximate", a == GeluApproximation.Tanh ? "tanh" : "none" } },
    };

    /// <summary>
    /// The exact GELU x·Φ(x) = x·½·(1 + erf(x/√2)) as one fused op (PyTorch's <c>F.gelu</c> with
    /// <c>approximate='none'</c>), bit-identical in float32 to that composite of tensor ops (see <see cref="GeluKernel"/>).
    /// Its backward is the fused <see cref="GeluGrad"/>, itself differentiable, so gradients of any order and forward-mode
    /// tangents exist as through the composite. Not traced here: <see cref="Gelu"/> reports it as one <c>Gelu</c> op.
    /// </summary>
    internal Tensor GeluExact()
    {
        var src = ContiguousRaw();
        var y = Empty(_shape, DType);
        bool keep = (RequiresGrad && Autograd.IsGradEnabled) || (ForwardAD.IsActive && ForwardAD.TangentOf(this) is not null);
        var erfTerm = keep ? Empty(_shape, DType) : null;
        if (DType == DType.Float32)
        {
            ParallelElementwise.For(Numel, new GeluForwardChunk<float>(src.Data<float>(), src.Offset, y.Data<float>(), erfTerm?.Data<float>()));
        }
        else
        {
            ParallelElementwise.For(Numel, new GeluForwardChunk<double>(src.Data<double>(), src.Offset, y.Data<double>(), erfTerm?.Data<double>()));
        }
        src.DisposeIfCopyOf(this);
        return GeluDefinition.Record(y, [this, erfTerm]);
    }

    // The erf term is a cached function of x, saved beside it: an operand without an edge.
    private static readonly OpDefinition<NoArgs> GeluDefinition = new(null, "GeluBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0), Save.Input(1)],
        Backward = static c => [GeluGrad(c.Grad, c.Input(0), c.Input(1))],
        Jvp = static c => GeluGrad(c.Tangent(0)!, c.Input(0), c.Input(1)),
    };

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
        gc.DisposeIfCopyOf(g);
        xc.DisposeIfCopyOf(x);
        return GeluGradDefinition.Record(dx, [g, x, erfTerm]);
    }

    // Linear in g (itself again), and g·gelu″(x) in x; the erf term rides along as an operand without an edge.
    private static readonly OpDefinition<NoArgs> GeluGradDefinition = new("GeluGrad", "GeluBackwardBackward")
    {
        Differentiable = Operands.First | Operands.Second,
        Saves = [Save.Input(0), Save.Input(1), Save.Input(2)],
        Backward = static c =>
        [
            c.NeedsGrad(0) ? GeluGrad(c.Grad, c.Input(1), c.Input(2)) : null,
            c.NeedsGrad(1) ? c.Grad * c.Input(0) * GeluSecondDerivative(c.Input(1)) : null,
        ],
        Jvp = static c =>
        {
            var fromG = c.Tangent(0) is { } tg ? GeluGrad(tg, c.Input(1), c.Input(2)) : null;
            var fromX = c.Tangent(1) is { } tx ? c.Input(0) * GeluSecondDerivative(c.Input(1)) * tx : null;
            return fromG is null ? fromX : fromX is null ? fromG : fromG + fromX;
        },
    };

    private static void RunGeluBackward<T>(Tensor g, Tensor x, Tensor erfTerm, Tensor dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ParallelElementwise.For(x.Numel, new GeluBackwardChunk<T>(g.Data<T>(), g.Offset, x.Data<T>(), x.Offset, erfTerm.Data<T>(), erfTerm.Offset, dx.Data<T>()));

    /// <summary>gelu″(x) = φ(x)·(2 − x²) with tensor ops (differentiable again).</summary>
    internal static Tensor GeluSecondDerivative(Tensor x)
    {
        var x2 = x * x;
        return (x2 * -0.5).Exp() * InvSqrtTwoPi * (2 - x2);
    }
}
