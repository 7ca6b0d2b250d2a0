namespace MiniTorch.NN;

/// <summary>
/// Which children of a <see cref="Sequential"/> from a <see cref="Conv2d"/> on run as one
/// <see cref="Tensor.Conv2dInference"/>: the convolution, then a <see cref="BatchNorm2d"/> that normalises with its
/// running statistics, then a <see cref="Relu"/>, each of the last two optional. What the fused call computes is, bit
/// for bit, what the modules compute one after the other, so the match only has to make sure that the modules would
/// run those ops and nothing else: the batch norm accepts the convolution's output (a 4-D input, its channel count and
/// dtype) and does not update statistics, and nothing traces the call (a trace names each module's ops by its path).
/// </summary>
internal static class ConvBlockFusion
{
    /// <summary>A block: how many children it spans (1 for the convolution alone), and what follows the convolution.</summary>
    public readonly record struct Block(int Length, FrozenBatchNorm? BatchNorm, bool Relu);

    /// <summary>The block of <paramref name="children"/> starting at the convolution <paramref name="start"/>, on the input <paramref name="x"/>.</summary>
    public static Block Match(List<Module> children, int start, Tensor x)
    {
        var conv = (Conv2d)children[start];
        if (Tracing.IsActive || x.Rank != 4)
        {
            return new Block(1, null, false);
        }
        int next = start + 1;
        FrozenBatchNorm? batchNorm = null;
        if (next < children.Count && children[next] is BatchNorm2d bn && bn.NumFeatures == conv.OutChannels
            && bn.Frozen is { } frozen && frozen.RunningMean.DType == conv.Weight.DType && (frozen.Weight?.DType ?? conv.Weight.DType) == conv.Weight.DType)
        {
            batchNorm = frozen;
            next++;
        }
        bool relu = next < children.Count && children[next] is Relu;
        return new Block(next - start + (relu ? 1 : 0), batchNorm, relu);
    }
}
