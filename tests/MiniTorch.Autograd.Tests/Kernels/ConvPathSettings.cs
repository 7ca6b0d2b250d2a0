using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// The settings the direct convolution paths' bit-identity tests sweep: both GEMM vector widths, the given thread
/// counts and batches of 1, 7 and 33, for one unit-stride window, with <see cref="ConvWinograd{T}"/> off so that the
/// wider layers are not taken by it on both sides of the comparison. Callers run in <see cref="GemmWidthCollection"/>.
/// </summary>
internal static class ConvPathSettings
{
    /// <summary>Calls <paramref name="check"/> with each geometry and its thread count, the settings applied.</summary>
    public static void ForEach(int c, int h, int w, int o, int kh, int kw, int ph, int pw, int dh, int dw, int[] threadCounts,
        Action<ConvGeometry, int> check)
    {
        foreach (bool allow512 in new[] { true, false })
        {
            foreach (int threads in threadCounts)
            {
                using var settings = new KernelSettings(allow512, threads);
                using var direct = new WinogradOff();
                foreach (int n in new[] { 1, 7, 33 })
                {
                    var window = new WindowGeometry(1, c, h, w, kh, kw, 1, 1, ph, pw, dh, dw);
                    check(new ConvGeometry(window, n, o, 1), threads);
                }
            }
        }
    }
}
