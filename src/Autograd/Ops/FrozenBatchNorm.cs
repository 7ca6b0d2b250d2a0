namespace MiniTorch;

/// <summary>
/// The fixed values of an evaluation-mode batch norm, ((x − mean) / √(var + ε)) · weight + bias per channel (what
/// torchvision's <c>FrozenBatchNorm2d</c> holds), for <see cref="Tensor.Conv2dInference"/> to apply after a convolution.
/// Their shapes are checked where they are used, as <see cref="Tensor.BatchNormInference"/> checks them.
/// </summary>
public sealed class FrozenBatchNorm
{
    /// <summary>Holds the given tensors (not copies).</summary>
    /// <param name="runningMean">The per-channel mean, shape [C].</param>
    /// <param name="runningVar">The per-channel variance, shape [C].</param>
    /// <param name="weight">The per-channel scale, shape [C]; none if null.</param>
    /// <param name="bias">The per-channel shift, shape [C]; none if null.</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    /// <exception cref="ArgumentNullException"><paramref name="runningMean"/> or <paramref name="runningVar"/> is null.</exception>
    public FrozenBatchNorm(Tensor runningMean, Tensor runningVar, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVar);
        (RunningMean, RunningVar, Weight, Bias, Eps) = (runningMean, runningVar, weight, bias, eps);
    }

    /// <summary>The per-channel mean, shape [C].</summary>
    public Tensor RunningMean { get; }

    /// <summary>The per-channel variance, shape [C].</summary>
    public Tensor RunningVar { get; }

    /// <summary>The per-channel scale, shape [C]; none if null.</summary>
    public Tensor? Weight { get; }

    /// <summary>The per-channel shift, shape [C]; none if null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }
}
