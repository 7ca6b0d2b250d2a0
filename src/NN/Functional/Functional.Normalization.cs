namespace MiniTorch.NN;

// Normalisation layers, written with reductions and broadcasting so their double backward comes from autograd.
public static partial class Functional
{
    /// <summary>
    /// Batch normalisation of (N, C, *) per channel (PyTorch's <c>F.batch_norm</c>). In <paramref name="training"/> the
    /// batch mean and biased variance normalise the input and, if running statistics are given, update them in place
    /// (running = (1 − momentum)·running + momentum·batch, with the unbiased variance, as PyTorch does); otherwise the
    /// running statistics normalise.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2)
        {
            throw new ArgumentException($"BatchNorm: expected an input of shape (N, C, *), got {Format(input.Shape)}.");
        }
        int c = input.Size(1);
        CheckChannelVector(nameof(runningMean), runningMean, c);
        CheckChannelVector(nameof(runningVar), runningVar, c);
        CheckChannelVector("weight", weight, c);
        CheckChannelVector("bias", bias, c);
        if (!training)
        {
            if (runningMean is null || runningVar is null)
            {
                throw new ArgumentException("BatchNorm: runningMean and runningVar are needed when training is false; pass training: true to normalise with batch statistics.");
            }
            // Normalising with fixed statistics is one core op: a single pass when nothing records it, traced as one op.
            return input.BatchNormInference(runningMean, runningVar, weight, bias, eps);
        }
        var view = new int[input.Rank];
        Array.Fill(view, 1);
        view[1] = c;
        var dims = new int[input.Rank - 1];
        dims[0] = 0;
        for (int d = 2; d < input.Rank; d++)
        {
            dims[d - 1] = d;
        }
        int count = input.Numel / Math.Max(c, 1);
        if (count <= 1)
        {
            throw new ArgumentException($"BatchNorm: expected more than 1 value per channel when training, got input size {Format(input.Shape)}.");
        }
        var mean = input.Mean(dims, keepDim: true);
        var centered = input - mean;
        var variance = (centered * centered).Mean(dims, keepDim: true);
        var normalized = centered / (variance + eps).Sqrt();
        using (Autograd.NoGrad())
        {
            if (runningMean is not null)
            {
                runningMean.MulInPlace(1 - momentum).AddInPlace(mean.Reshape(c).To(runningMean.DType) * momentum);
            }
            if (runningVar is not null)
            {
                runningVar.MulInPlace(1 - momentum).AddInPlace(variance.Reshape(c).To(runningVar.DType) * (momentum * count / (count - 1)));
            }
        }
        if (weight is not null)
        {
            normalized = normalized * weight.Reshape(view);
        }
        normalized = bias is null ? normalized : normalized + bias.Reshape(view);
        // In training the parts are traced: only evaluation-mode batch norm is one op.
        return normalized;
    }

    /// <summary>
    /// Layer normalisation over the trailing dims given by <paramref name="normalizedShape"/>, with the biased variance
    /// and optional elementwise affine (PyTorch's <c>F.layer_norm</c>).
    /// </summary>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.LayerNorm(normalizedShape, weight, bias, eps);
    }

    private static void CheckChannelVector(string name, Tensor? t, int channels)
    {
        if (t is not null && (t.Rank != 1 || t.Size(0) != channels))
        {
            throw new ArgumentException($"BatchNorm: expected {name} of shape [{channels}] for an input with {channels} channels, got {Format(t.Shape)}.");
        }
    }
}
