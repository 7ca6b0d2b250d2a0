using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// Evaluation-mode batch normalisation over dim 1 with fixed statistics (PyTorch's
    /// <c>F.batch_norm(..., training=False)</c>): ((x − mean) / √(var + ε)) · weight + bias, each channel vector
    /// broadcast over the input's (N, C, *) shape. When nothing records it (no gradient wanted, no forward-mode tangent,
    /// no trace), the input and the channel vectors are contiguous and every operand has the input's floating dtype, it
    /// runs as one pass over the input split across the cores; otherwise as the composite of broadcast ops, which
    /// records gradients and tangents and promotes dtypes as they do. The two are bit-identical. Traced as one
    /// <c>BatchNorm</c> op.
    /// </summary>
    /// <param name="runningMean">The per-channel mean, shape [C].</param>
    /// <param name="runningVar">The per-channel variance, shape [C].</param>
    /// <param name="weight">The per-channel scale, shape [C]; none if null.</param>
    /// <param name="bias">The per-channel shift, shape [C]; none if null.</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    /// <returns>A new tensor of the input's shape.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="runningMean"/> or <paramref name="runningVar"/> is null.</exception>
    /// <exception cref="ArgumentException">The input has fewer than two dims, or a channel vector is not one-dimensional with C elements.</exception>
    public Tensor BatchNormInference(Tensor runningMean, Tensor runningVar, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVar);
        if (Rank < 2)
        {
            throw new ArgumentException($"BatchNorm: expected an input of shape (N, C, *), got {Shapes.Format(_shape)}.");
        }
        int c = _shape[1];
        foreach (var (name, t) in (ReadOnlySpan<(string, Tensor?)>)[("runningMean", runningMean), ("runningVar", runningVar), ("weight", weight), ("bias", bias)])
        {
            if (t is not null && (t.Rank != 1 || t.Numel != c))
            {
                throw new ArgumentException($"BatchNorm: expected {name} of shape [{c}] (one value per channel of the input {Shapes.Format(_shape)}), got {Shapes.Format(t.ShapeSpan)}.");
            }
        }
        // The composite's denominator, by the same ops on the same values in both paths.
        var denominator = (runningVar + eps).Sqrt();
        Tensor normalized;
        if (FusesBatchNormInference(runningMean, denominator, weight, bias))
        {
            normalized = Empty(_shape.AsSpan().ToArray(), DType);
            if (DType == DType.Float32)
            {
                RunBatchNormInference<float>(normalized, runningMean, denominator, weight, bias);
            }
            else
            {
                RunBatchNormInference<double>(normalized, runningMean, denominator, weight, bias);
            }
        }
        else
        {
            var view = new int[Rank];
            Array.Fill(view, 1);
            view[1] = c;
            normalized = (this - runningMean.Reshape(view)) / denominator.Reshape(view);
            if (weight is not null)
            {
                normalized *= weight.Reshape(view);
            }
            if (bias is not null)
            {
                normalized += bias.Reshape(view);
            }
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("BatchNorm", [normalized], [this, runningMean, runningVar, weight, bias], new OpAttributes { { "eps", eps } });
        }
        return normalized;
    }

    /// <summary>
    /// Whether the one-pass kernel may replace the composite: nothing would record it, every operand has the input's
    /// floating dtype (no promotion) and is contiguous.
    /// </summary>
    private bool FusesBatchNormInference(Tensor mean, Tensor denominator, Tensor? weight, Tensor? bias)
    {
        if (Tracing.IsActive || ForwardAD.IsActive || DType is not (DType.Float32 or DType.Float64) || !IsContiguous)
        {
            return false;
        }
        if (Autograd.IsGradEnabled && (RequiresGrad || mean.RequiresGrad || denominator.RequiresGrad
            || weight?.RequiresGrad == true || bias?.RequiresGrad == true))
        {
            return false;
        }
        return Fits(mean) && Fits(denominator) && (weight is null || Fits(weight)) && (bias is null || Fits(bias));

        bool Fits(Tensor t) => t.DType == DType && t.IsContiguous;
    }

    private void RunBatchNormInference<T>(Tensor output, Tensor mean, Tensor denominator, Tensor? weight, Tensor? bias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Numel;
        if (n == 0)
        {
            return;
        }
        int channels = _shape[1];
        int inner = n / _shape[0] / channels;
        ParallelElementwise.For(n, new BatchNormInferenceChunk<T>(Data<T>(), Offset, output.Data<T>(), Dense(mean), Dense(denominator),
            weight is null ? null : Dense(weight), bias is null ? null : Dense(bias), channels, inner));

        // A channel vector's values from index 0 (a contiguous view may start later in its storage).
        static T[] Dense(Tensor t) => t.Offset == 0 ? t.Data<T>() : t.ContiguousSpan<T>().ToArray();
    }
}
