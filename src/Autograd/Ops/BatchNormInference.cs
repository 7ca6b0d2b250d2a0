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
        var denominator = BatchNormDenominator(_shape, runningMean, runningVar, weight, bias, eps);
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
            view[1] = _shape[1];
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
    /// Checks batch norm's operands against an input of shape <paramref name="inputShape"/> and gives the composite's
    /// denominator √(var + ε), by the same ops on the same values in every path.
    /// </summary>
    private static Tensor BatchNormDenominator(int[] inputShape, Tensor runningMean, Tensor runningVar, Tensor? weight, Tensor? bias, double eps)
    {
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVar);
        if (inputShape.Length < 2)
        {
            throw new ArgumentException($"BatchNorm: expected an input of shape (N, C, *), got {Shapes.Format(inputShape)}.");
        }
        int c = inputShape[1];
        foreach (var (name, t) in (ReadOnlySpan<(string, Tensor?)>)[("runningMean", runningMean), ("runningVar", runningVar), ("weight", weight), ("bias", bias)])
        {
            if (t is not null && (t.Rank != 1 || t.Numel != c))
            {
                throw new ArgumentException($"BatchNorm: expected {name} of shape [{c}] (one value per channel of the input {Shapes.Format(inputShape)}), got {Shapes.Format(t.ShapeSpan)}.");
            }
        }
        return (runningVar + eps).Sqrt();
    }

    /// <summary>
    /// Whether the one-pass kernel may replace the composite: nothing would record it, every operand has the input's
    /// floating dtype (no promotion) and is contiguous.
    /// </summary>
    private bool FusesBatchNormInference(Tensor mean, Tensor denominator, Tensor? weight, Tensor? bias) =>
        IsContiguous && NothingRecords(this, mean, denominator, weight, bias) && ChannelVectorsFit(DType, mean, denominator, weight, bias);

    /// <summary>
    /// Whether a fused kernel over <paramref name="input"/> (and <paramref name="operands"/>) leaves nothing unrecorded:
    /// no trace, no forward-mode tangent, no gradient wanted of any of them, and a float32 or float64 input.
    /// </summary>
    private static bool NothingRecords(Tensor input, params ReadOnlySpan<Tensor?> operands)
    {
        if (Tracing.IsActive || ForwardAD.IsActive || input.DType is not (DType.Float32 or DType.Float64))
        {
            return false;
        }
        if (!Autograd.IsGradEnabled)
        {
            return true;
        }
        if (input.RequiresGrad)
        {
            return false;
        }
        foreach (var t in operands)
        {
            if (t?.RequiresGrad == true)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether batch norm's channel vectors all have <paramref name="dtype"/> (no promotion) and are contiguous.</summary>
    private static bool ChannelVectorsFit(DType dtype, Tensor mean, Tensor denominator, Tensor? weight, Tensor? bias)
    {
        return Fits(mean) && Fits(denominator) && (weight is null || Fits(weight)) && (bias is null || Fits(bias));

        bool Fits(Tensor t) => t.DType == dtype && t.IsContiguous;
    }

    private void RunBatchNormInference<T>(Tensor output, Tensor mean, Tensor denominator, Tensor? weight, Tensor? bias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Numel;
        if (n == 0)
        {
            return;
        }
        ParallelElementwise.For(n, BatchNormChunk<T>(Data<T>(), Offset, output.Data<T>(), _shape, mean, denominator, weight, bias));
    }

    /// <summary>
    /// The one-pass kernel from <paramref name="x"/> (from <paramref name="xOffset"/>) into <paramref name="y"/> (from 0;
    /// may be <paramref name="x"/> itself) for an input of <paramref name="shape"/> with at least one element.
    /// </summary>
    private static BatchNormInferenceChunk<T> BatchNormChunk<T>(T[] x, int xOffset, T[] y, int[] shape, Tensor mean, Tensor denominator,
        Tensor? weight, Tensor? bias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = shape[1];
        int inner = Shapes.Numel(shape) / shape[0] / channels;
        return new BatchNormInferenceChunk<T>(x, xOffset, y, Dense(mean), Dense(denominator),
            weight is null ? null : Dense(weight), bias is null ? null : Dense(bias), channels, inner);

        // A channel vector's values from index 0 (a contiguous view may start later in its storage).
        static T[] Dense(Tensor t) => t.Offset == 0 ? t.Data<T>() : t.ContiguousSpan<T>().ToArray();
    }
}
