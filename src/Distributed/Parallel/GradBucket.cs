namespace MiniTorch.Distributed;

/// <summary>
/// One bucket of DistributedDataParallel's gradient reduction: a flat buffer of one dtype that holds the gradients of
/// several parameters back to back, reduced by one all-reduce once all of them have arrived. Only Float32 and Float64
/// buckets exist: only floating parameters have gradients, and MPI cannot average Float16 or BFloat16 ones (the
/// reducer refuses those parameters at construction, naming them).
/// </summary>
internal sealed class GradBucket
{
    public GradBucket(int index, DType dtype, int[] parameters, int[] offsets, int elements)
    {
        Index = index;
        DType = dtype;
        Parameters = parameters;
        Offsets = offsets;
        Elements = elements;
        Flat = dtype switch
        {
            DType.Float32 => Tensor.WrapArray(new float[elements], elements),
            DType.Float64 => Tensor.WrapArray(new double[elements], elements),
            _ => throw NotReducible(dtype),
        };
        Flat.DetachFromScope();
    }

    public int Index { get; }

    public DType DType { get; }

    /// <summary>Indices into the reducer's parameter list, in the order their gradients are laid out.</summary>
    public int[] Parameters { get; }

    /// <summary>Where each parameter's gradient starts in <see cref="Flat"/>.</summary>
    public int[] Offsets { get; }

    public int Elements { get; }

    /// <summary>The flat buffer the all-reduce works on.</summary>
    public Tensor Flat { get; }

    /// <summary>Gradients still to arrive in this step.</summary>
    public int Pending;

    /// <summary>The running all-reduce, once launched.</summary>
    public DistributedWork? Work;

    /// <summary>Copies <paramref name="grad"/> (or zeros, for a parameter without one) into its slot.</summary>
    public void CopyIn(int slot, Tensor? grad, int numel)
    {
        int offset = Offsets[slot];
        switch (DType)
        {
            case DType.Float32:
                Fill(Flat.AsSpan<float>().Slice(offset, numel), grad);
                break;
            case DType.Float64:
                Fill(Flat.AsSpan<double>().Slice(offset, numel), grad);
                break;
            default:
                throw NotReducible(DType);
        }
    }

    private static void Fill<T>(Span<T> target, Tensor? grad) where T : unmanaged
    {
        if (grad is null)
        {
            target.Clear();
            return;
        }
        var contiguous = TensorValues.Contiguous(grad);
        contiguous.AsSpan<T>().CopyTo(target);
        if (!ReferenceEquals(contiguous, grad))
        {
            contiguous.Dispose();
        }
    }

    /// <summary>Writes the reduced slot back into <paramref name="grad"/> (same shape, in place).</summary>
    public void CopyOut(int slot, Tensor grad)
    {
        int offset = Offsets[slot];
        if (grad.IsContiguous && grad.DType == DType)
        {
            switch (DType)
            {
                case DType.Float32:
                    Flat.AsSpan<float>().Slice(offset, grad.Numel).CopyTo(grad.AsSpan<float>());
                    break;
                case DType.Float64:
                    Flat.AsSpan<double>().Slice(offset, grad.Numel).CopyTo(grad.AsSpan<double>());
                    break;
                default:
                    throw NotReducible(DType);
            }
        }
        else
        {
            using var slice = Flat.Narrow(0, offset, grad.Numel);
            using var shaped = slice.Reshape(grad.Shape);
            TensorValues.Copy(shaped, grad);
        }
        Autograd.IncrementVersion(grad);
    }

    /// <summary>A new tensor holding the reduced slot, for a parameter that had no gradient of its own.</summary>
    public Tensor Extract(int slot, int[] shape)
    {
        var result = Tensor.Zeros(shape, DType);
        int n = result.Numel;
        switch (DType)
        {
            case DType.Float32:
                Flat.AsSpan<float>().Slice(Offsets[slot], n).CopyTo(result.AsSpan<float>());
                break;
            case DType.Float64:
                Flat.AsSpan<double>().Slice(Offsets[slot], n).CopyTo(result.AsSpan<double>());
                break;
            default:
                throw NotReducible(DType);
        }
        return result;
    }

    /// <summary>Whether gradients of this dtype can be averaged in a bucket.</summary>
    public static bool IsReducible(DType dtype) => dtype is DType.Float32 or DType.Float64;

    private static NotSupportedException NotReducible(DType dtype) =>
        new($"DistributedDataParallel: a gradient bucket holds Float32 or Float64 gradients, not {dtype}.");
}
