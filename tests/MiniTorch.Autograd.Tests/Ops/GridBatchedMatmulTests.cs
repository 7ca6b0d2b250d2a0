using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>
/// Matmul over two or more batch dims with a permuted, transposed or broadcast operand reads the operands in place
/// (one GEMM call per batch item at its own offsets) instead of copying them contiguous first. Each item is the same
/// GEMM call on the same values, so results and gradients must equal those of contiguous copies bit for bit.
/// </summary>
public class GridBatchedMatmulTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void AttentionHeadsOfOneProjectionGiveTheProductsOfContiguousCopies(DType dtype)
    {
        var gen = new Generator(21);
        int b = 3, t = 7, h = 2, dh = 5;
        var qkv = Uniform(gen, [b, t, 3 * h * dh]).To(dtype).Detach().SetRequiresGrad();
        var copies = qkv.Detach().SetRequiresGrad();
        var w = Uniform(gen, [b, h, t, dh], requiresGrad: false).To(dtype);
        Tensor Attention(Tensor x, bool copy)
        {
            var heads = x.View(b, t, 3, h, dh).Permute(2, 0, 3, 1, 4);
            Tensor Head(int i) => copy ? heads.Select(0, i).Contiguous() : heads.Select(0, i);
            var kT = copy ? Head(1).Transpose(-2, -1).Contiguous() : Head(1).Transpose(-2, -1);
            var scores = Head(0).Matmul(kT).Softmax(-1);
            return scores.Matmul(Head(2));
        }
        var inPlace = Attention(qkv, copy: false);
        var copied = Attention(copies, copy: true);
        Assert.Equal(copied.ToDoubleArray(), inPlace.ToDoubleArray());
        Assert.Equal([b, h, t, dh], inPlace.Shape);
        Assert.Equal("BmmBackward", inPlace.GradFn!.Name);
        (inPlace * w).Sum().Backward();
        (copied * w).Sum().Backward();
        Assert.Equal(copies.Grad!.ToDoubleArray(), qkv.Grad!.ToDoubleArray());
    }

    [Fact]
    public void BroadcastBatchDimsAndLargeProductsMatchContiguousCopies()
    {
        var gen = new Generator(22);
        // Broadcast batch (stride 0 after Expand): [2, 1] against [1, 4].
        var a = Uniform(gen, [2, 1, 5, 3]).To(DType.Float32).Detach().SetRequiresGrad();
        var bT = Uniform(gen, [1, 4, 6, 3]).To(DType.Float32).Detach().SetRequiresGrad();
        var product = a.Matmul(bT.Transpose(-2, -1));
        var expected = a.Detach().Expand(2, 4, 5, 3).Contiguous().Matmul(bT.Detach().Transpose(-2, -1).Expand(2, 4, 3, 6).Contiguous());
        Assert.Equal(expected.ToDoubleArray(), product.ToDoubleArray());
        product.Sum().Backward();
        // d/da of Σ a·bᵀ sums bT over its rows and the broadcast batch dim; the Expand's backward does the batch sum.
        Assert.Equal([2, 1, 5, 3], a.Grad!.Shape);
        Assert.Equal([1, 4, 6, 3], bT.Grad!.Shape);
        AssertClose(bT.Detach().Sum([0, 1, 2], keepDim: true).Expand(2, 1, 5, 3), a.Grad, 1e-5);
        // Products large enough to run one after another, each split over the cores by the GEMM.
        var big = Uniform(gen, [2, 2, 96, 160], requiresGrad: false).To(DType.Float32);
        var other = Uniform(gen, [2, 160, 2, 80], requiresGrad: false).To(DType.Float32).Permute(0, 2, 1, 3);
        Assert.Equal(big.Matmul(other.Contiguous()).ToDoubleArray(), big.Matmul(other).ToDoubleArray());
        // An empty inner dim gives zeros, as PyTorch.
        var empty = Tensor.Zeros([2, 3, 4, 0]).Matmul(Tensor.Zeros([2, 3, 5, 0]).Transpose(-2, -1));
        Assert.Equal(new double[2 * 3 * 4 * 5], empty.ToDoubleArray());
    }

    [Fact]
    public void PermutedBatchedProductsHaveFirstAndSecondDerivatives()
    {
        var gen = new Generator(23);
        CheckGradients(
            t => t[0].Permute(1, 0, 2, 3).Matmul(t[1].Permute(1, 3, 0, 2)), // [2, 3, 4, 5]·[2, 3, 5, 6]
            Uniform(gen, [3, 2, 4, 5]),
            Uniform(gen, [5, 2, 6, 3]));
    }
}
