using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// Layer normalisation over the trailing dims given by <paramref name="normalizedShape"/>, with the biased variance
    /// and optional elementwise affine (PyTorch's <c>F.layer_norm</c>): one fused op, its output bit-identical to the
    /// composite (x − mean)/√(var + ε)·w + b, with gradients of any order and tangents.
    /// </summary>
    /// <exception cref="ArgumentException">The input's trailing dims, the weight or the bias do not have <paramref name="normalizedShape"/>.</exception>
    public Tensor LayerNorm(int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        DTypeCheck.RequireFloating("LayerNorm", this, "LayerNormKernelImpl");
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int k = normalizedShape.Length;
        bool fits = k > 0 && Rank >= k;
        for (int i = 0; fits && i < k; i++)
        {
            fits = _shape[Rank - k + i] == normalizedShape[i];
        }
        if (!fits)
        {
            throw new ArgumentException($"LayerNorm: given normalizedShape={Shapes.Format(normalizedShape)}, expected input with shape [*, {string.Join(", ", normalizedShape)}], but got input of size {Shapes.Format(_shape)}.");
        }
        foreach (var (name, t) in (ReadOnlySpan<(string, Tensor?)>)[("weight", weight), ("bias", bias)])
        {
            if (t is not null && !t.ShapeSpan.SequenceEqual(normalizedShape))
            {
                throw new ArgumentException($"LayerNorm: expected {name} of shape {Shapes.Format(normalizedShape)}, got {Shapes.Format(t.ShapeSpan)}.");
            }
        }
        var normalized = LayerNormFused(this, k, weight, bias, eps);
        return LayerNormTrace.Record(normalized, [this, weight, bias], (normalizedShape, eps));
    }

    // Traced as one op (ONNX's LayerNormalization); the fused definition below records the node and the tangent.
    private static readonly OpDefinition<(int[] NormalizedShape, double Eps)> LayerNormTrace = new("LayerNorm")
    {
        Attributes = static a => new OpAttributes { { "normalizedShape", a.NormalizedShape }, { "eps", a.Eps } },
    };

    /// <summary>
    /// Layer normalisation over the trailing <paramref name="normalizedDims"/> dims as one fused op (PyTorch's
    /// <c>F.layer_norm</c>, biased variance): the output is bit-identical to the composite
    /// (x − mean)/√(var + ε)·w + b (see <see cref="LayerNormKernel"/>). The backward is fused too; under
    /// <c>createGraph</c> it is the same formula in tensor ops, so derivatives of any order exist. Forward-mode
    /// tangents follow the closed form. Not traced here: <see cref="LayerNorm"/> reports it as one <c>LayerNorm</c> op.
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
        x.DisposeIfCopyOf(input);
        w?.DisposeIfCopyOf(weight!);
        b?.DisposeIfCopyOf(bias!);
        return LayerNormDefinition.Record(y, [input, weight, bias, stats], new LayerNormArgs(normalizedDims, eps, weight is not null, bias is not null));
    }

    private readonly record struct LayerNormArgs(int NormalizedDims, double Eps, bool HasWeight, bool HasBias);

    // Operands: input, weight, bias (null when absent: a constant edge, as PyTorch lists None), and the row statistics
    // of the forward (saved for the fused backward, no edge).
    private static readonly OpDefinition<LayerNormArgs> LayerNormDefinition = new(null, "NativeLayerNormBackward")
    {
        Differentiable = Operands.First | Operands.Second | Operands.Third,
        Saves = [Save.Input(0), Save.Input(1), Save.Input(3)],
        Backward = static c =>
        {
            var args = c.Args;
            var x = c.Input(0);
            var w = args.HasWeight ? c.Input(1) : null;
            var (dx, dw, db) = Autograd.IsGradEnabled
                ? LayerNormGradientsAsOps(c.Grad, x, w, args, c.NeedsGrad(1), c.NeedsGrad(2))
                : LayerNormGradientsFused(c.Grad, x, w, c.Input(3), args, c.NeedsGrad(1), c.NeedsGrad(2));
            return [c.NeedsGrad(0) ? dx : null, dw, db];
        },
        Jvp = static c => LayerNormTangent(c.Input(0), c.Args.HasWeight ? c.Input(1) : null, c.Tangent(0), c.Tangent(1), c.Tangent(2), c.Args.NormalizedDims, c.Args.Eps),
    };

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

    private static int[] LeadingDims(int rank, int normalizedDims)
    {
        var dims = new int[rank - normalizedDims];
        for (int d = 0; d < dims.Length; d++)
        {
            dims[d] = d;
        }
        return dims;
    }

    private static Tensor ReduceToParameter(Tensor t, int normalizedDims) =>
        t.Rank == normalizedDims ? t : t.Sum(LeadingDims(t.Rank, normalizedDims));

    // Under createGraph: the same formulas in tensor ops, recorded, so the gradient can be differentiated again.
    private static (Tensor Dx, Tensor? Dw, Tensor? Db) LayerNormGradientsAsOps(Tensor g, Tensor x, Tensor? w, LayerNormArgs args, bool needW, bool needB)
    {
        var (xHat, invSigma) = LayerNormParts(x, args.NormalizedDims, args.Eps);
        var dx = LayerNormInputGrad(w is null ? g : g * w, xHat, invSigma, args.NormalizedDims);
        return (dx, needW ? ReduceToParameter(g * xHat, args.NormalizedDims) : null, needB ? ReduceToParameter(g, args.NormalizedDims) : null);
    }

    private static (Tensor Dx, Tensor? Dw, Tensor? Db) LayerNormGradientsFused(Tensor g, Tensor x, Tensor? w, Tensor stats, LayerNormArgs args, bool needW, bool needB)
    {
        var gc = g.ContiguousRaw();
        var xc = x.ContiguousRaw();
        var wc = w?.ContiguousRaw();
        var dx = Empty(x.ShapeArray, x.DType);
        var gxHat = needW ? Empty(x.ShapeArray, x.DType) : null;
        int rows = stats.Size(1);
        int n = rows == 0 ? 0 : x.Numel / rows;
        if (rows > 0)
        {
            if (x.DType == DType.Float32)
            {
                RunLayerNormBackward<float>(gc, xc, wc, stats, dx, gxHat, rows, n);
            }
            else
            {
                RunLayerNormBackward<double>(gc, xc, wc, stats, dx, gxHat, rows, n);
            }
        }
        xc.DisposeIfCopyOf(x);
        wc?.DisposeIfCopyOf(w!);
        Tensor? dw = gxHat is null ? null : ReduceToParameter(gxHat, args.NormalizedDims);
        Tensor? db = needB ? ReduceToParameter(gc, args.NormalizedDims) : null;
        // The temporaries go back to the pool unless a reduction over no dims handed one back as the result.
        if (gxHat is not null && (dw is null || !dw.SharesStorageWith(gxHat)))
        {
            gxHat.Dispose();
        }
        if (db is null || !db.SharesStorageWith(gc))
        {
            gc.DisposeIfCopyOf(g);
        }
        return (dx, dw, db);
    }

    private static void RunLayerNormBackward<T>(Tensor g, Tensor x, Tensor? w, Tensor stats, Tensor dx, Tensor? gxHat, int rows, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        LayerNormKernel.Backward(g.Data<T>(), g.Offset, x.Data<T>(), x.Offset, w?.Data<T>(), w?.Offset ?? 0, stats.Data<T>(), stats.Offset,
            dx.Data<T>(), gxHat?.Data<T>(), rows, n);
    }
}
