using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// One convolution product split by sample into parts, one part per thread; one reused instance per calling thread,
/// cleared after the call so it holds no tensor's array. The weight gradient sums over the batch: each part after the
/// first accumulates into its own slice of a pooled buffer, and the slices are added in part order, so the result
/// does not depend on which thread ran which part.
/// </summary>
internal sealed class ConvJob<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static ConvJob<T>? t_instance;

    private ConvMode _mode;
    private ConvGeometry _g;
    private T[]? _a, _b, _bias, _output, _partials;
    private int _aOffset, _bOffset, _biasOffset, _chunk;

    /// <summary>The calling thread's job.</summary>
    public static ConvJob<T> ForThisThread => t_instance ??= new ConvJob<T>();

    /// <summary>
    /// Sets the operands: for Forward a = x, b = w; for InputGrad a = gy, b = w; for WeightGrad a = x, b = gy.
    /// The output is contiguous from index 0.
    /// </summary>
    public void Set(ConvMode mode, ConvGeometry g, T[] a, int aOffset, T[] b, int bOffset, T[]? bias, int biasOffset, T[] output)
    {
        (_mode, _g, _a, _aOffset, _b, _bOffset, _bias, _biasOffset, _output) = (mode, g, a, aOffset, b, bOffset, bias, biasOffset, output);
    }

    /// <summary>Runs the product over the whole batch and clears the job.</summary>
    public void Run()
    {
        try
        {
            int parts = ConvKernel.BatchParts(_g);
            if (parts == 1)
            {
                RunSamples(0, _g.N, _output!, 0, gemmThreads: 0);
                return;
            }
            _chunk = (_g.N + parts - 1) / parts;
            parts = (_g.N + _chunk - 1) / _chunk;
            int weightLength = _g.OutChannels * _g.GroupK;
            if (_mode == ConvMode.WeightGrad)
            {
                _partials = BufferPool.Rent<T>((parts - 1) * weightLength);
            }
            ParallelRunner.Run(this, parts, parts);
            if (_partials is not null)
            {
                ConvKernel.SumPartials(_output!, _partials, parts, weightLength);
                BufferPool.Return(_partials);
            }
        }
        finally
        {
            _a = _b = _bias = _output = _partials = null;
        }
    }

    public void Execute(int index)
    {
        int first = index * _chunk;
        int end = Math.Min(_g.N, first + _chunk);
        if (_mode == ConvMode.WeightGrad && index > 0)
        {
            RunSamples(first, end, _partials!, (index - 1) * _g.OutChannels * _g.GroupK, gemmThreads: 1);
            return;
        }
        RunSamples(first, end, _output!, 0, gemmThreads: 1);
    }

    private void RunSamples(int first, int end, T[] output, int outputOffset, int gemmThreads)
    {
        switch (_mode)
        {
            case ConvMode.Forward:
                ConvKernel.ForwardSamples(first, end, _a!, _aOffset, _b!, _bOffset, _bias, _biasOffset, output, _g, gemmThreads);
                break;
            case ConvMode.InputGrad:
                ConvKernel.InputGradSamples(first, end, _a!, _aOffset, _b!, _bOffset, output, _g, gemmThreads);
                break;
            default:
                if (first == end)
                {
                    // An empty batch: the sum over no samples is zero.
                    output.AsSpan(outputOffset, _g.OutChannels * _g.GroupK).Clear();
                    return;
                }
                ConvKernel.WeightGradSamples(first, end, _a!, _aOffset, _b!, _bOffset, output, outputOffset, accumulate: false, _g, gemmThreads);
                break;
        }
    }
}
