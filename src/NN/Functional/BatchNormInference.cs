using System.Numerics;

namespace MiniTorch.NN;

/// <summary>
/// Evaluation-mode batch norm in one pass when nothing records it: y = ((x − mean) / √(var + eps)) · weight + bias per
/// channel, the composite's four broadcast ops (each a pass over the input in rows of the spatial size) fused into one
/// loop with the per-channel values in registers. The same IEEE operations in the same order on each element (the
/// denominator is computed by the same tensor ops), so the result is bit-identical to the composite's.
/// </summary>
internal static class BatchNormInference
{
    /// <summary>
    /// Whether the fused loop may replace the composite: no graph, tangent or trace would record it, every operand has
    /// the input's float dtype (no promotion), and the input and statistics are contiguous.
    /// </summary>
    public static bool Applies(Tensor input, Tensor runningMean, Tensor runningVar, Tensor? weight, Tensor? bias)
    {
        if (Tracing.IsActive || ForwardAD.IsActive || input.DType is not (DType.Float32 or DType.Float64) || !input.IsContiguous)
        {
            return false;
        }
        if (Autograd.IsGradEnabled && (input.RequiresGrad || runningMean.RequiresGrad || runningVar.RequiresGrad
            || weight?.RequiresGrad == true || bias?.RequiresGrad == true))
        {
            return false;
        }
        return Same(runningMean, input) && Same(runningVar, input) && (weight is null || Same(weight, input)) && (bias is null || Same(bias, input));
    }

    private static bool Same(Tensor t, Tensor input) => t.DType == input.DType && t.IsContiguous;

    /// <summary>The normalised input; <see cref="Applies"/> must hold.</summary>
    public static Tensor Run(Tensor input, Tensor runningMean, Tensor runningVar, Tensor? weight, Tensor? bias, double eps)
    {
        // The composite's denominator, by the same ops on the same values.
        var denominator = (runningVar + eps).Sqrt();
        var output = Tensor.ZerosLike(input);
        if (input.DType == DType.Float32)
        {
            Normalize<float>(input, runningMean, denominator, weight, bias, output);
        }
        else
        {
            Normalize<double>(input, runningMean, denominator, weight, bias, output);
        }
        return output;
    }

    private static void Normalize<T>(Tensor input, Tensor runningMean, Tensor denominator, Tensor? weight, Tensor? bias, Tensor output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = input.Size(1);
        int inner = channels == 0 ? 0 : input.Numel / Math.Max(input.Size(0), 1) / channels;
        int planes = input.Size(0) * channels;
        ReadOnlySpan<T> x = input.AsSpan<T>();
        Span<T> y = output.AsSpan<T>();
        ReadOnlySpan<T> mean = runningMean.AsSpan<T>();
        ReadOnlySpan<T> scale = denominator.AsSpan<T>();
        ReadOnlySpan<T> w = weight is null ? default : weight.AsSpan<T>();
        ReadOnlySpan<T> b = bias is null ? default : bias.AsSpan<T>();
        bool hasWeight = weight is not null, hasBias = bias is not null;
        for (int p = 0; p < planes; p++)
        {
            int c = p % channels;
            T m = mean[c], s = scale[c], wc = hasWeight ? w[c] : T.One, bc = hasBias ? b[c] : T.Zero;
            var xs = x.Slice(p * inner, inner);
            var ys = y.Slice(p * inner, inner);
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var (vm, vs, vw, vb) = (new Vector<T>(m), new Vector<T>(s), new Vector<T>(wc), new Vector<T>(bc));
                for (; i <= inner - Vector<T>.Count; i += Vector<T>.Count)
                {
                    var v = (new Vector<T>(xs.Slice(i)) - vm) / vs;
                    if (hasWeight)
                    {
                        v *= vw;
                    }
                    if (hasBias)
                    {
                        v += vb;
                    }
                    v.CopyTo(ys.Slice(i));
                }
            }
            for (; i < inner; i++)
            {
                T v = (xs[i] - m) / s;
                if (hasWeight)
                {
                    v *= wc;
                }
                if (hasBias)
                {
                    v += bc;
                }
                ys[i] = v;
            }
        }
    }
}
