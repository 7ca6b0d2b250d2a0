using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// Turns <see cref="ConvWinograd{T}"/> off for a scope, so that tests comparing the direct convolution paths bit for
/// bit compare those paths; restored when disposed. Tests that use it run in <see cref="GemmWidthCollection"/>.
/// </summary>
internal sealed class WinogradOff : IDisposable
{
    private readonly bool _float = ConvWinograd<float>.Enabled, _double = ConvWinograd<double>.Enabled;

    public WinogradOff()
    {
        ConvWinograd<float>.Enabled = false;
        ConvWinograd<double>.Enabled = false;
    }

    public void Dispose()
    {
        ConvWinograd<float>.Enabled = _float;
        ConvWinograd<double>.Enabled = _double;
    }
}
