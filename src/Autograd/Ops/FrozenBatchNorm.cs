namespace MiniTorch;

/// <summary>
/// The fixed values of an evaluation-mode batch norm, ((x − mean) / √(var + ε)) · weight + bias per channel (what
/// torchvision's <c>FrozenBatchNorm2d</c> holds), for <see cref="Tensor.Conv2dInference"/> to apply after a convolution.
/// Their shapes are checked where they are used, as <see cref="Tensor.BatchNormInference"/> checks them.
/// </summary>
/// <param name="RunningMean">The per-channel mean, shape [C].</param>
/// <param name="RunningVar">The per-channel variance, shape [C].</param>
/// <param name="Weight">The per-channel scale, shape [C]; none if null.</param>
/// <param name="Bias">The per-channel shift, shape [C]; none if null.</param>
/// <param name="Eps">Added to the variance before the square root.</param>
public sealed record FrozenBatchNorm(Tensor RunningMean, Tensor RunningVar, Tensor? Weight = null, Tensor? Bias = null, double Eps = 1e-5);
