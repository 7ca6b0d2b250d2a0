using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// One convolution product split by sample into more parts than threads, claimed by the threads as they come free; one
/// reused instance per calling thread, cleared after the call so it holds no tensor's array. The weight gradient (and
/// the bias gradient fused with it) sums over the batch: each part writes its partial sum, transposed, into its own
/// slot of a pooled buffer, and the slots are added in part order and transposed into dw once, so the result does not
/// depend on which thread ran which part.
/// </summary>
/// <remarks>
/// Parts smaller than a thread's share keep both cores busy to the end: with one part per thread, a worker woken late
/// (the VM's wake-up latency is tens to hundreds of microseconds) left the calling thread waiting for the worker's
/// whole share after finishing its own; now the caller takes the parts the worker has not reached, and the wait is at
/// most one part: one sample for the forward and the input gradient, a few for the weight gradient.
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
    private ConvBatchedForward<T>? _batched;
    private ConvBatchedWeightGrad<T>? _weightGrad;
    private ConvBatchedInputGrad<T>? _inputGrad;
    private ConvEpilogue<T> _epilogue;

    /// <summary>The calling thread's job.</summary>
    public static ConvJob<T> ForThisThread => t_instance ??= new ConvJob<T>();

    /// <summary>
    /// Sets the operands: for Forward a = x, b = w; for InputGrad a = gy, b = w; for WeightGrad a = x, b = gy, and
    /// <paramref name="biasGrad"/> (O elements from 0, or null) receives the bias gradient. The output is contiguous from index 0.
    /// </summary>
    /// <remarks><paramref name="epilogue"/> is what the forward applies to each part's output after its product.</remarks>
    public void Set(ConvMode mode, ConvGeometry g, T[] a, int aOffset, T[] b, int bOffset, T[]? bias, int biasOffset, T[] output, T[]? biasGrad = null,
        ConvEpilogue<T> epilogue = default)
    {
        (_mode, _g, _a, _aOffset, _b, _bOffset, _bias, _biasOffset, _output, _biasGrad) = (mode, g, a, aOffset, b, bOffset, bias, biasOffset, output, biasGrad);
        _epilogue = epilogue;
    }

    /// <summary>Runs the product over the whole batch and clears the job.</summary>
    public void Run()
    {
        try
        {
            int threads = ConvKernel.BatchThreads(_g);
            if (_mode == ConvMode.Forward && ConvBatchedForward<T>.Applies(_g))
            {
                RunBatchedForward(threads);
                return;
            }
            if (_mode == ConvMode.InputGrad && ConvBatchedInputGrad<T>.Applies(_g) && (threads > 1 || !ConvKernel.SampleProductsSplit(_g)))
            {
                RunBatchedInputGrad(threads);
                return;
            }
            _chunk = threads == 1 ? Math.Max(1, _g.N) : ConvKernel.SamplesPerPart(_mode, _g.N, threads);
            int parts = Math.Max(1, (_g.N + _chunk - 1) / _chunk);
            int weightLength = _g.OutChannels * _g.GroupK;
            if (_mode == ConvMode.WeightGrad)
            {
                // Part p's transposed weight gradient (and bias gradient) at slot p; summed into slot 0 in part order.
                _partials = BufferPool.Rent<T>(parts * weightLength);
                if (_biasGrad is not null)
                {
                    _biasPartials = BufferPool.Rent<T>(parts * _g.OutChannels);
                }
            }
            if (_mode == ConvMode.WeightGrad && ConvBatchedWeightGrad<T>.Applies(_g) && (threads > 1 || !ConvKernel.SampleProductsSplit(_g)))
            {
                // Each part's products on its own thread (a batch run whole keeps the per-sample products, which split over the threads).
                _weightGrad = ConvBatchedWeightGrad<T>.ForThisThread;
                _weightGrad.Plan(_g);
            }
            if (threads == 1)
            {
                RunSamples(0, _g.N, 0, gemmThreads: 0);
            }
            else
            {
                if (ConvKernel.PacksWeightOnce(_g, _mode))
                {
                    PackWeight();
                }
                ParallelRunner.Run(this, parts, threads);
            }
            if (_partials is not null)
            {
                ConvKernel.SumPartials(_partials, parts, weightLength);
                ConvKernel.TransposeInto(_partials, _output!, _g);
                BufferPool.Return(_partials);
            }
            if (_biasPartials is not null)
            {
                ConvKernel.SumPartials(_biasPartials, parts, _g.OutChannels);
                _biasPartials.AsSpan(0, _g.OutChannels).CopyTo(_biasGrad);
                BufferPool.Return(_biasPartials);
            }
        }
        finally
        {
            _a = _b = _bias = _output = _partials = _biasGrad = _biasPartials = null;
            _packed?.Clear();
            _packed = null;
            _batched = null;
            _weightGrad = null;
            _inputGrad = null;
            _epilogue = default;
        }
    }

    /// <summary>The forward as one product per part of the batch (<see cref="ConvBatchedForward{T}"/>), the weight packed once.</summary>
    private void RunBatchedForward(int threads)
    {
        PackWeight();
        _batched = ConvBatchedForward<T>.ForThisThread;
        _batched.Plan(_g);
        _chunk = ConvBatchedForward<T>.SamplesPerPart(_g, threads);
        int parts = (_g.N + _chunk - 1) / _chunk;
        ParallelRunner.Run(this, parts, threads);
    }

    /// <summary>
    /// The input gradient sample by sample with col2im fused into the products (<see cref="ConvBatchedInputGrad{T}"/>),
    /// Wᵀ packed once; a batch run whole on one thread too, unless its samples' products split over the threads.
    /// </summary>
    private void RunBatchedInputGrad(int threads)
    {
        PackWeight();
        _inputGrad = ConvBatchedInputGrad<T>.ForThisThread;
        _inputGrad.Plan(_g);
        _chunk = threads == 1 ? _g.N : 1;
        ParallelRunner.Run(this, (_g.N + _chunk - 1) / _chunk, threads);
    }

    /// <summary>
    /// The weight (forward) or its transpose (input gradient) of a one-group convolution packed once by the calling
    /// thread, read by every part's products.
    /// </summary>
    private void PackWeight()
    {
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

    public void Execute(int index)
    {
        if (_inputGrad is not null)
        {
            _inputGrad.Run(index * _chunk, Math.Min(_g.N, (index + 1) * _chunk), _a!, _aOffset, _output!, _packed!);
            return;
        }
        if (_batched is not null)
        {
            int first = index * _chunk, end = Math.Min(_g.N, (index + 1) * _chunk);
            _batched.Run(first, end, _a!, _aOffset, _bias, _biasOffset, _output!, _packed!);
            ApplyEpilogue(first, end);
            return;
        }
        RunSamples(index * _chunk, Math.Min(_g.N, (index + 1) * _chunk), index, gemmThreads: 1);
    }

    private void RunSamples(int first, int end, int part, int gemmThreads)
    {
        switch (_mode)
        {
            case ConvMode.Forward:
                ConvKernel.ForwardSamples(first, end, _a!, _aOffset, _b!, _bOffset, _bias, _biasOffset, _output!, _g, gemmThreads, _packed);
                ApplyEpilogue(first, end);
                break;
            case ConvMode.InputGrad:
                ConvKernel.InputGradSamples(first, end, _a!, _aOffset, _b!, _bOffset, _output!, _g, gemmThreads, _packed);
                break;
            default:
                int weightLength = _g.OutChannels * _g.GroupK;
                if (first >= end)
                {
                    // An empty batch: the sum over no samples is zero.
                    _partials.AsSpan(part * weightLength, weightLength).Clear();
                    _biasPartials?.AsSpan(part * _g.OutChannels, _g.OutChannels).Clear();
                    return;
                }
                if (_weightGrad is not null)
                {
                    _weightGrad.Run(first, end, _a!, _aOffset, _b!, _bOffset, _partials!, part * weightLength, _biasPartials, part * _g.OutChannels);
                    return;
                }
                ConvKernel.WeightGradSamples(first, end, _a!, _aOffset, _b!, _bOffset, _partials!, part * weightLength, _biasPartials, part * _g.OutChannels, _g, gemmThreads);
                break;
        }
    }

    /// <summary>The forward's epilogue on the output of samples [first, end), just written by this thread.</summary>
    private void ApplyEpilogue(int first, int end)
    {
        int sampleOut = _g.OutChannels * _g.Positions;
        _epilogue.Apply(first * sampleOut, (end - first) * sampleOut);
    }
}
