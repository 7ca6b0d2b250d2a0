using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// Layer normalisation over the trailing <paramref name="normalizedDims"/> dims as one fused op (PyTorch's
    /// <c>F.layer_norm</c>, biased variance): the output is bit-identical to the composite
    /// (x − mean)/√(var + ε)·w + b (see <see cref="LayerNormKernel"/>). The backward is fused too; under
    /// <c>createGraph</c> it is the same formula in tensor ops, so derivatives of any order exist. Forward-mode
    /// tangents follow the closed form. Not traced here: <c>Functional.LayerNorm</c> reports it as one <c>LayerNorm</c> op.
    /// Shapes are checked by the caller (weight and bias have the normalised shape).
    /// </summary>
    internal static Tensor LayerNormFused(Tensor input, int normalizedDims, Tensor? weight, Tensor? bias, double eps)
    {
        foreach (var p in (ReadOnlySpan<Tensor?>)[weight, bias])
        {
            if (p is not null && p.DType != input.DType)
            {
                throw new ArgumentException($"LayerNorm: expected weight and bias of the input's dtype {input.DType}, got {p.DType}.");
            }
        }
        var x = input.ContiguousRaw();
        var w = weight?.ContiguousRaw();
        var b = bias?.ContiguousRaw();
        int n = 1;
        for (int d = input.Rank - normalizedDims; d < input.Rank; d++)
        {
            n *= input._shape[d];
        }
        int rows = n == 0 ? 0 : input.Numel / n;
        var y = Empty(input._shape, input.DType);
        var stats = Empty([2, rows], input.DType); // row means, then σ = √(var + ε)
        if (rows > 0)
        {
            if (input.DType == DType.Float32)
            {
                RunLayerNormForward<float>(x, w, b, y, stats, rows, n, eps);
            }
            else
            {
                RunLayerNormForward<double>(x, w, b, y, stats, rows, n, eps);
            }
        }
        if (Autograd.IsGradEnabled && (input.RequiresGrad || weight?.RequiresGrad == true || bias?.RequiresGrad == true))
        {
            var node = new LayerNormBackward(input, weight, bias, stats, normalizedDims, eps);
            node.Connect(y, weight is null ? (bias is null ? [input] : [input, bias]) : bias is null ? [input, weight] : [input, weight, bias]);
        }
        if (ForwardAD.IsActive)
        {
            var tx = ForwardAD.TangentOf(input);
            var tw = weight is null ? null : ForwardAD.TangentOf(weight);
            var tb = bias is null ? null : ForwardAD.TangentOf(bias);
            if (tx is not null || tw is not null || tb is not null)
            {
                using var jvp = ForwardAD.Suspend();
                jvp.SetTangent(y, LayerNormTangent(input, weight, tx, tw, tb, normalizedDims, eps));
            }
        }
        return y;
    }

    private static void RunLayerNormForward<T>(Tensor x, Tensor? w, Tensor? b, Tensor y, Tensor stats, int rows, int n, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        LayerNormKernel.Forward(x.Data<T>(), x.Offset, w?.Data<T>(), w?.Offset ?? 0, b?.Data<T>(), b?.Offset ?? 0, y.Data<T>(),
            stats.Data<T>(), stats.Offset, rows, n, eps);
    }

    /// <summary>x̂ = (x − mean)/√(var + ε) and 1/√(var + ε) in tensor ops (differentiable), both kept-dim over the trailing dims.</summary>
    private static (Tensor XHat, Tensor InvSigma) LayerNormParts(Tensor x, int normalizedDims, double eps)
    {
        var dims = TrailingDims(x.Rank, normalizedDims);
        var centered = x - x.Mean(dims, keepDim: true);
        var invSigma = 1.0 / ((centered * centered).Mean(dims, keepDim: true) + eps).Sqrt();
        return (centered * invSigma, invSigma);
    }

    private static int[] TrailingDims(int rank, int count)
    {
        var dims = new int[count];
        for (int i = 0; i < count; i++)
        {
            dims[i] = rank - count + i;
        }
        return dims;
    }

    /// <summary>The input's gradient from ĝ = g·w: (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/σ over the trailing dims, in tensor ops.</summary>
    private static Tensor LayerNormInputGrad(Tensor gHat, Tensor xHat, Tensor invSigma, int normalizedDims)
    {
        var dims = TrailingDims(xHat.Rank, normalizedDims);
        return (gHat - gHat.Mean(dims, keepDim: true) - xHat * (gHat * xHat).Mean(dims, keepDim: true)) * invSigma;
    }

    /// <summary>The tangent of the output: t(x̂)·w + x̂·t(w) + t(b), with t(x̂) the input-gradient formula applied to t(x) (the map is self-adjoint).</summary>
    private static Tensor LayerNormTangent(Tensor x, Tensor? w, Tensor? tx, Tensor? tw, Tensor? tb, int normalizedDims, double eps)
    {
        var (xHat, invSigma) = LayerNormParts(x, normalizedDims, eps);
        Tensor? t = null;
        if (tx is not null)
        {
            var txHat = LayerNormInputGrad(tx, xHat, invSigma, normalizedDims);
            t = w is null ? txHat : txHat * w;
        }
        if (tw is not null)
        {
            t = t is null ? xHat * tw : t + xHat * tw;
        }
        if (tb is not null)
        {
            t = t is null ? tb.Expand(x.ShapeArray).Contiguous() : t + tb;
        }
        return t!;
    }

    private sealed class LayerNormBackward : Node
    {
        private readonly int _normalizedDims;
        private readonly double _eps;
        private readonly bool _hasWeight;
        private readonly bool _hasBias;
        private SavedTensor _x;
        private SavedTensor _w;
        private SavedTensor _stats;

        public LayerNormBackward(Tensor x, Tensor? w, Tensor? b, Tensor stats, int normalizedDims, double eps)
        {
            _x = new SavedTensor(x);
            if (w is not null)
            {
                _w = new SavedTensor(w);
            }
            _stats = new SavedTensor(stats);
            _hasWeight = w is not null;
            _hasBias = b is not null;
            _normalizedDims = normalizedDims;
            _eps = eps;
        }

        public override string Name => "NativeLayerNormBackward";

        internal override Tensor?[] Apply(Tensor g)
        {
            var x = _x.Unpack(this);
            var w = _hasWeight ? _w.Unpack(this) : null;
            var grads = Autograd.IsGradEnabled ? GradientsAsOps(g, x, w) : GradientsFused(g, x, w);
            // Edges: input, then weight and bias where present.
            var result = new Tensor?[1 + (_hasWeight ? 1 : 0) + (_hasBias ? 1 : 0)];
            int i = 0;
            result[i] = NeedsInputGrad(i) ? grads.Dx : null;
            i++;
            if (_hasWeight)
            {
                result[i] = NeedsInputGrad(i) ? grads.Dw : null;
                i++;
            }
            if (_hasBias)
            {
                result[i] = NeedsInputGrad(i) ? grads.Db : null;
            }
            return result;
        }

        private int[] LeadingDims(Tensor x)
        {
            var dims = new int[x.Rank - _normalizedDims];
            for (int d = 0; d < dims.Length; d++)
            {
                dims[d] = d;
            }
            return dims;
        }

        private Tensor ReduceToParameter(Tensor t, Tensor x) =>
            x.Rank == _normalizedDims ? t : t.Sum(LeadingDims(x));

        // Under createGraph: the same formulas in tensor ops, recorded, so the gradient can be differentiated again.
        private (Tensor Dx, Tensor? Dw, Tensor? Db) GradientsAsOps(Tensor g, Tensor x, Tensor? w)
        {
            var (xHat, invSigma) = LayerNormParts(x, _normalizedDims, _eps);
            var dx = LayerNormInputGrad(w is null ? g : g * w, xHat, invSigma, _normalizedDims);
            return (dx, _hasWeight ? ReduceToParameter(g * xHat, x) : null, _hasBias ? ReduceToParameter(g, x) : null);
        }

        private (Tensor Dx, Tensor? Dw, Tensor? Db) GradientsFused(Tensor g, Tensor x, Tensor? w)
        {
            var stats = _stats.Unpack(this);
            var gc = g.ContiguousRaw();
            var xc = x.ContiguousRaw();
            var wc = w?.ContiguousRaw();
            var dx = Empty(x.ShapeArray, x.DType);
            var gxHat = _hasWeight && NeedsInputGrad(1) ? Empty(x.ShapeArray, x.DType) : null;
            int rows = stats.Size(1);
            int n = rows == 0 ? 0 : x.Numel / rows;
            if (rows > 0)
            {
                if (x.DType == DType.Float32)
                {
                    RunBackward<float>(gc, xc, wc, stats, dx, gxHat, rows, n);
                }
                else
                {
                    RunBackward<double>(gc, xc, wc, stats, dx, gxHat, rows, n);
                }
            }
            Tensor? dw = gxHat is null ? null : ReduceToParameter(gxHat, x);
            Tensor? db = _hasBias && NeedsInputGrad(_hasWeight ? 2 : 1) ? ReduceToParameter(gc, x) : null;
            return (dx, dw, db);
        }

        private static void RunBackward<T>(Tensor g, Tensor x, Tensor? w, Tensor stats, Tensor dx, Tensor? gxHat, int rows, int n)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            LayerNormKernel.Backward(g.Data<T>(), g.Offset, x.Data<T>(), x.Offset, w?.Data<T>(), w?.Offset ?? 0, stats.Data<T>(), stats.Offset,
                dx.Data<T>(), gxHat?.Data<T>(), rows, n);
        }

        internal override void ReleaseSavedTensors()
        {
            _x.Release();
            _w.Release();
            _stats.Release();
        }
    }
}
