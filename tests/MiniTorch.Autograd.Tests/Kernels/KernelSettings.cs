using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// The process-wide kernel switches a test sets for a scope (the GEMM's vector width and, when given, the thread
/// count), restored when it is disposed. Tests that use it run in <see cref="GemmWidthCollection"/>.
/// </summary>
internal sealed class KernelSettings : IDisposable
{
    private readonly bool _allowVector512 = Gemm.AllowVector512;
    private readonly int _maxThreads = Parallelism.MaxThreads;

    public KernelSettings(bool allowVector512, int? maxThreads = null)
    {
        Gemm.AllowVector512 = allowVector512;
        if (maxThreads is int threads)
        {
            Parallelism.MaxThreads = threads;
        }
    }

    public void Dispose()
    {
        Gemm.AllowVector512 = _allowVector512;
        Parallelism.MaxThreads = _maxThreads;
    }
}
