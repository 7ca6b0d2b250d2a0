namespace MiniTorch.NN;

/// <summary>
/// Which children of a <see cref="Sequential"/> from a <see cref="Conv2d"/> on run as one
/// <see cref="Tensor.Conv2dInference"/>: the convolution, then a <see cref="BatchNorm2d"/> that normalises with its
/// running statistics, then a <see cref="Relu"/>, each of the last two optional. The fused call computes, bit for bit,
/// what the modules compute one after the other, but it skips the modules' own calls (their checks, their place on the
/// call stack that error messages and anomaly traces name), so a block is matched only when those calls could not have
/// done anything else: the batch norm would accept the convolution's output (4-D, its channel count and dtype, vectors
/// of its width) and update nothing, and nothing records, so the call is the single kernel and never the three ops.
/// </summary>
internal static class ConvBlockFusion
{
    /// <summary>A block: how many children it spans (1 for the convolution alone), and what follows the convolution.</summary>
    public readonly record struct Block(int Length, FrozenBatchNorm? BatchNorm, bool Relu);

    /// <summary>The block of <paramref name="children"/> starting at the convolution <paramref name="start"/>, on the input <paramref name="x"/>.</summary>
    public static Block Match(List<Module> children, int start, Tensor x)
    {
        var conv = (Conv2d)children[start];
        var weight = conv.Weight;
        if (x.Rank != 4 || x.DType is not (DType.Float32 or DType.Float64) || x.DType != weight.DType || weight.Rank != 4
            || !Recording.Nothing(x, weight, conv.Bias))
        {
            return new Block(1, null, false);
        }
        int next = start + 1;
        FrozenBatchNorm? batchNorm = null;
        if (next < children.Count && children[next] is BatchNorm2d bn && bn.FixedNormalization is { } fixedNormalization
            && bn.NumFeatures == weight.Size(0) && Fits(fixedNormalization, bn.NumFeatures, weight.DType))
        {
            batchNorm = fixedNormalization;
            next++;
        }
        bool relu = next < children.Count && children[next] is Relu;
        return new Block(next - start + (relu ? 1 : 0), batchNorm, relu);
    }

    /// <summary>Whether every vector of the batch norm is [channels] of <paramref name="dtype"/>, contiguous, and needs no gradient.</summary>
    private static bool Fits(FrozenBatchNorm bn, int channels, DType dtype)
    {
        return Fits(bn.RunningMean) && Fits(bn.RunningVar) && (bn.Weight is null || Fits(bn.Weight)) && (bn.Bias is null || Fits(bn.Bias))
            && Recording.Nothing(bn.RunningMean, bn.RunningVar, bn.Weight, bn.Bias);

        bool Fits(Tensor t) => t.Rank == 1 && t.Size(0) == channels && t.DType == dtype && t.IsContiguous;
    }
}
