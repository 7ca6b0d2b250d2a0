using System.Numerics;
using System.Numerics.Tensors;

namespace MiniTorch.Kernels;

/// <summary>
/// What an inference convolution does to its output after the product (<see cref="Tensor.Conv2dInference"/>):
/// evaluation-mode batch norm and then ReLU, applied to each part of the batch right after the part's product, while
/// its output is still in cache, instead of as two more passes over the whole activation. Each is the same function on
/// each element as the op it replaces (<see cref="BatchNormInferenceChunk{T}"/>, and the <c>TensorPrimitives.Max</c>
/// with +0 of <see cref="Tensor.Relu"/>), so the result is bit-identical to theirs. The default value does nothing.
/// </summary>
internal readonly struct ConvEpilogue<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[]? _y;
    private readonly BatchNormInferenceChunk<T>? _batchNorm;
    private readonly bool _relu;

    /// <summary>
    /// For the output <paramref name="y"/> (contiguous from 0): <paramref name="batchNorm"/>, reading and writing
    /// <paramref name="y"/> in place, if given, then ReLU if <paramref name="relu"/>.
    /// </summary>
    public ConvEpilogue(T[] y, BatchNormInferenceChunk<T>? batchNorm, bool relu) => (_y, _batchNorm, _relu) = (y, batchNorm, relu);

    /// <summary>Applies the epilogue to output elements [start, start + length) (whole samples of the batch).</summary>
    public void Apply(int start, int length)
    {
        if (length <= 0)
        {
            return;
        }
        _batchNorm?.Run(start, length);
        if (_relu)
        {
            var y = _y.AsSpan(start, length);
            TensorPrimitives.Max<T>(y, T.Zero, y);
        }
    }
}
