using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// One convolution product split by sample into parts of a few samples each, more parts than threads, claimed by the
/// threads as they come free; one reused instance per calling thread, cleared after the call so it holds no tensor's
/// array. The weight gradient (and the bias gradient fused with it) sums over the batch: each part after the first
/// accumulates into its own slice of a pooled buffer, and the slices are added in part order, so the result does not
/// depend on which thread ran which part.
/// </summary>
/// <remarks>
/// Parts smaller than a thread's share keep both cores busy to the end: with one part per thread, a worker woken late
/// (the VM's wake-up latency is tens to hundreds of microseconds) left the calling thread waiting for the worker's
/// whole share after finishing its own; with about four parts per thread the caller takes the parts the worker has
/// not reached, and the wait is at most one part.
/// </remarks>
internal sealed class ConvJob<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static ConvJob<T>? t_instance;

    private ConvMode _mode;
    private ConvGeometry _g;
    private T[]? _a, _b, _bias, _output, _partials, _biasGrad, _biasPartials;
    private int _aOffset, _bOffset, _biasOffset, _chunk;
    private PrepackedGemm<T>? _packed;

    /// <summary>The calling thread's job.</summary>
    public static ConvJob<T> ForThisThread => t_instance ??= new ConvJob<T>();

    /// <summary>
    /// Sets the operands: for Forward a = x, b = w; for InputGrad a = gy, b = w; for WeightGrad a = x, b = gy, and
    /// <paramref name="biasGrad"/> (O elements from 0, or null) receives the bias gradient. The output is contiguous from index 0.
    /// </summary>
    public void Set(ConvMode mode, ConvGeometry g, T[] a, int aOffset, T[] b, int bOffset, T[]? bias, int biasOffset, T[] output, T[]? biasGrad = null)
    {
        (_mode, _g, _a, _aOffset, _b, _bOffset, _bias, _biasOffset, _output, _biasGrad) = (mode, g, a, aOffset, b, bOffset, bias, biasOffset, output, biasGrad);
    }

    /// <summary>Runs the product over the whole batch and clears the job.</summary>
    public void Run()
    {
        try
        {
            int threads = ConvKernel.BatchThreads(_g);
            if (threads == 1)
            {
                RunSamples(0, _g.N, _output!, 0, _biasGrad, 0, gemmThreads: 0);
                return;
            }
            _chunk = ConvKernel.SamplesPerPart(_g.N, threads);
            int parts = (_g.N + _chunk - 1) / _chunk;
            int weightLength = _g.OutChannels * _g.GroupK;
            if (_mode == ConvMode.WeightGrad)
            {
                _partials = BufferPool.Rent<T>((parts - 1) * weightLength);
                if (_biasGrad is not null)
                {
                    _biasPartials = BufferPool.Rent<T>((parts - 1) * _g.OutChannels);
                }
            }
            if (ConvKernel.PacksWeightOnce(_g, _mode))
            {
                // The weight (forward) or its transpose (input gradient) packed once here, read by every part's products.
                _packed = PrepackedGemm<T>.ForThisThread;
                int og = _g.GroupOutChannels, k = _g.GroupK;
                if (_mode == ConvMode.Forward)
                {
                    _packed.Pack(og, k, StridedMatrix<T>.RowMajor(_b!, _bOffset, k));
                }
                else
                {
                    _packed.Pack(k, og, new StridedMatrix<T>(_b!, _bOffset, 1, k));
                }
            }
            ParallelRunner.Run(this, parts, threads);
            if (_partials is not null)
            {
                ConvKernel.SumPartials(_output!, _partials, parts, weightLength);
                BufferPool.Return(_partials);
            }
            if (_biasPartials is not null)
            {
                ConvKernel.SumPartials(_biasGrad!, _biasPartials, parts, _g.OutChannels);
                BufferPool.Return(_biasPartials);
            }
        }
        finally
        {
            _a = _b = _bias = _output = _partials = _biasGrad = _biasPartials = null;
            _packed?.Clear();
            _packed = null;
        }
    }

    public void Execute(int index)
    {
        int first = index * _chunk;
        int end = Math.Min(_g.N, first + _chunk);
        if (_mode == ConvMode.WeightGrad && index > 0)
        {
            RunSamples(first, end, _partials!, (index - 1) * _g.OutChannels * _g.GroupK, _biasPartials, (index - 1) * _g.OutChannels, gemmThreads: 1);
            return;
        }
        RunSamples(first, end, _output!, 0, _biasGrad, 0, gemmThreads: 1);
    }

    private void RunSamples(int first, int end, T[] output, int outputOffset, T[]? biasGrad, int biasGradOffset, int gemmThreads)
    {
        switch (_mode)
        {
            case ConvMode.Forward:
                ConvKernel.ForwardSamples(first, end, _a!, _aOffset, _b!, _bOffset, _bias, _biasOffset, output, _g, gemmThreads, _packed);
                break;
            case ConvMode.InputGrad:
                ConvKernel.InputGradSamples(first, end, _a!, _aOffset, _b!, _bOffset, output, _g, gemmThreads, _packed);
                break;
            default:
                if (first == end)
                {
                    // An empty batch: the sum over no samples is zero.
                    output.AsSpan(outputOffset, _g.OutChannels * _g.GroupK).Clear();
                    biasGrad?.AsSpan(biasGradOffset, _g.OutChannels).Clear();
                    return;
                }
                ConvKernel.WeightGradSamples(first, end, _a!, _aOffset, _b!, _bOffset, output, outputOffset, biasGrad, biasGradOffset, _g, gemmThreads);
                break;
        }
    }
}
