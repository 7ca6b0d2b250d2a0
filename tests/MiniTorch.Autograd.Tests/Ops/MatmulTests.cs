using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Dot, Mm, Bmm and Matmul (1-D operands, batches, batch broadcasting).</summary>
public class MatmulTests
{
    /// <summary>
    /// An independent reference: a[..., n, k, 1] · b[..., 1, k, m] summed over k, using only broadcasting
    /// elementwise ops, so it shares no code with the GEMM kernel or Matmul's reshaping.
    /// </summary>
    private static Tensor Reference(Tensor a, Tensor b)
    {
        using (Autograd.NoGrad())
        {
            return (a.Unsqueeze(-1) * b.Unsqueeze(-3)).Sum(-2);
        }
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void DotMmBmm_ForwardValues(DType dtype)
    {
        AssertValues(Tensor.Dot(Make(dtype, [3], 1, 2, 3), Make(dtype, [3], 4, 5, 6)), [], 32);
        var a = Make(dtype, [2, 2], 1, 2, 3, 4);
        var b = Make(dtype, [2, 2], 5, 6, 7, 8);
        AssertValues(Tensor.Mm(a, b), [2, 2], 19, 22, 43, 50);
        // a.T = [[1, 3], [2, 4]]
        AssertValues(Tensor.Mm(a.T, b), [2, 2], 26, 30, 38, 44);
        var batchA = Tensor.Stack([a, b]);
        var batchB = Tensor.Stack([b, a]);
        AssertValues(Tensor.Bmm(batchA, batchB), [2, 2, 2], 19, 22, 43, 50, 23, 34, 31, 46);
        Assert.Equal(dtype, Tensor.Bmm(batchA, batchB).DType);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Matmul_OneDimensionalOperands_FollowPyTorchRules(DType dtype)
    {
        var m = Make(dtype, [2, 3], 1, 2, 3, 4, 5, 6);
        // 1-D · 1-D is a dot product (0-d result).
        AssertValues(Tensor.Matmul(Make(dtype, [3], 1, 0, -1), Make(dtype, [3], 4, 5, 6)), [], -2);
        // 1-D on the left is a row vector whose dim is removed: [1, 2] · m = [9, 12, 15].
        AssertValues(Tensor.Matmul(Make(dtype, [2], 1, 2), m), [3], 9, 12, 15);
        // 1-D on the right is a column vector whose dim is removed: m · [1, 0, −1] = [−2, −2].
        AssertValues(m.Matmul(Make(dtype, [3], 1, 0, -1)), [2], -2, -2);
        // 1-D with a batch: v · b[i] for each i, and a[i] · v.
        var batch = Tensor.Stack([m, m * 2]);
        AssertValues(Tensor.Matmul(Make(dtype, [2], 1, 2), batch), [2, 3], 9, 12, 15, 18, 24, 30);
        AssertValues(Tensor.Matmul(batch, Make(dtype, [3], 1, 0, -1)), [2, 2], -2, -2, -4, -4);
    }

    public static TheoryData<int[], int[]> MatmulShapes() => new()
    {
        { [4], [4] },
        { [3], [3, 2] },
        { [2, 3], [3] },
        { [2, 3], [3, 4] },
        { [3], [2, 3, 2] },
        { [2, 2, 3], [3] },
        { [2, 3, 4], [4, 2] },
        { [3, 4], [2, 4, 2] },
        { [2, 2, 3], [2, 3, 2] },
        { [2, 1, 2, 3], [3, 3, 2] },
        { [1, 2, 3], [2, 1, 3, 2] },
    };

    [Theory]
    [MemberData(nameof(MatmulShapes))]
    public void Matmul_ForwardMatchesTheBroadcastReference(int[] shapeA, int[] shapeB)
    {
        var g = new Generator(91);
        var a = Uniform(g, shapeA, requiresGrad: false);
        var b = Uniform(g, shapeB, requiresGrad: false);
        var expected = Reference(shapeA.Length == 1 ? a.Unsqueeze(0) : a, shapeB.Length == 1 ? b.Unsqueeze(1) : b);
        if (shapeA.Length == 1)
        {
            expected = expected.Squeeze(-2);
        }
        if (shapeB.Length == 1)
        {
            expected = expected.Squeeze(-1);
        }
        AssertClose(expected, Tensor.Matmul(a, b));
        AssertClose(expected.To(DType.Float32), Tensor.Matmul(a.To(DType.Float32), b.To(DType.Float32)), 1e-5);
    }

    [Theory]
    [MemberData(nameof(MatmulShapes))]
    public void Matmul_GradientsMatchFiniteDifferences(int[] shapeA, int[] shapeB)
    {
        var g = new Generator(92);
        var a = Uniform(g, shapeA);
        var b = Uniform(g, shapeB);
        CheckGradients(t => Tensor.Matmul(t[0], t[1]), a, b);
    }

    [Fact]
    public void DotMmBmm_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(93);
        CheckGradients(t => Tensor.Dot(t[0], t[1]), Uniform(g, [5]), Uniform(g, [5]));
        CheckGradients(t => Tensor.Mm(t[0], t[1]), Uniform(g, [2, 3]), Uniform(g, [3, 4]));
        CheckGradients(t => Tensor.Bmm(t[0], t[1]), Uniform(g, [2, 2, 3]), Uniform(g, [2, 3, 2]));
        // The same matrix on both sides: x·x needs both halves of the product rule.
        CheckGradients(t => Tensor.Mm(t[0], t[0]), Uniform(g, [3, 3]));
        // Only one side differentiable.
        var constant = Uniform(g, [3, 2], requiresGrad: false);
        CheckGradients(t => Tensor.Mm(t[0], constant), Uniform(g, [2, 3]));
        CheckGradients(t => Tensor.Mm(constant.T, t[0]), Uniform(g, [3, 2]));
    }

    [Fact]
    public void Matmul_GradientsMatchFiniteDifferences_OnNonContiguousInputs()
    {
        var g = new Generator(94);
        var a = Uniform(g, [3, 4]);
        var b = Uniform(g, [2, 3, 4]);
        CheckGradients(t => Tensor.Mm(t[0].T, t[0].Narrow(1, 1, 2)), a);
        CheckGradients(t => Tensor.Dot(t[0].Select(1, 0), t[0].Select(1, 3)), a);
        CheckGradients(t => Tensor.Bmm(t[1].Transpose(1, 2), t[1].Narrow(2, 0, 2)), a, b);
        CheckGradients(t => Tensor.Matmul(t[1].Permute(2, 0, 1), t[0].Narrow(1, 0, 2)), a, b);
        CheckGradients(t => Tensor.Matmul(t[0].Select(0, 1).Expand(2, 4), t[1].Transpose(1, 2)), a, b);
        CheckGradients(t => Tensor.Matmul(t[0], t[1]), TransposedLeaf(g, 2, 3), TransposedLeaf(g, 3, 2));
        CheckGradients(t => Tensor.Matmul(t[0], t[1]), SlicedLeaf(g, 2, 3), SlicedLeaf(g, 3, 2));
    }

    [Fact]
    public void Mm_LargerAndOddSizes_MatchTheReference()
    {
        // Sizes that are not multiples of the kernel's 6-row tiles or vector widths, and one product big enough
        // (≥ 2¹⁹ multiply-adds) to take the multi-threaded path.
        var g = new Generator(95);
        foreach (var (n, k, m) in new[] { (7, 33, 21), (5, 1, 40), (1, 17, 1), (130, 128, 130) })
        {
            var a = Uniform(g, [n, k], requiresGrad: false);
            var b = Uniform(g, [k, m], requiresGrad: false);
            var expected = Reference(a, b);
            AssertClose(expected, Tensor.Mm(a, b), 1e-12);
            AssertClose(expected, Tensor.Mm(a.To(DType.Float32), b.To(DType.Float32)), 1e-4);
            AssertClose(Reference(b.T, a.T), Tensor.Mm(b.T, a.T), 1e-12);
        }
    }

    [Fact]
    public void Matmul_BroadcastWeightAndTransposedBatches_MatchTheReference()
    {
        // A convolution's product: one weight (O, K) against a batch of column matrices (N, K, L). The GEMM reads the
        // broadcast weight (batch stride 0) and transposed batches in place, as the backward's products are.
        var g = new Generator(96);
        var w = Uniform(g, [7, 20], requiresGrad: false);
        var cols = Uniform(g, [3, 20, 33], requiresGrad: false);
        AssertClose(Reference(w, cols), Tensor.Matmul(w, cols), 1e-12);
        var colsT = Uniform(g, [3, 33, 20], requiresGrad: false).Transpose(1, 2);
        AssertClose(Reference(w, colsT), Tensor.Matmul(w, colsT), 1e-12);
        AssertClose(Reference(colsT.Transpose(1, 2), w.T), Tensor.Matmul(colsT.Transpose(1, 2), w.T), 1e-12);
        AssertClose(Reference(w, colsT).To(DType.Float32), Tensor.Matmul(w.To(DType.Float32), colsT.To(DType.Float32)), 1e-5);
        CheckGradients(t => Tensor.Matmul(t[0], t[1].Transpose(1, 2)), Uniform(g, [2, 3]), Uniform(g, [2, 4, 3]));
        CheckGradients(t => Tensor.Matmul(t[1].Transpose(1, 2), t[0].T), Uniform(g, [5, 2]), Uniform(g, [3, 2, 4]));
    }

    [Fact]
    public void Mm_EmptyInnerDimension_GivesZeros_AsPyTorch()
    {
        var a = Tensor.Zeros([2, 0], DType.Float64);
        var b = Tensor.Zeros([0, 3], DType.Float64);
        AssertValues(Tensor.Mm(a, b), [2, 3], 0, 0, 0, 0, 0, 0);
    }

    [Fact]
    public void Matmul_GradFnNamesFollowPyTorch()
    {
        var a = Tensor.Ones([2, 2], requiresGrad: true);
        Assert.Equal("MmBackward", Tensor.Mm(a, a).GradFn!.Name);
        Assert.Equal("DotBackward", Tensor.Dot(a[0], a[1]).GradFn!.Name);
        Assert.Equal("BmmBackward", Tensor.Bmm(a.Unsqueeze(0), a.Unsqueeze(0)).GradFn!.Name);
    }

    [Fact]
    public void Dot_Errors()
    {
        AssertThrows<ArgumentException>(() => Tensor.Dot(Tensor.Ones(2, 2), Tensor.Ones(2)), "Dot:", "1D tensors expected", "2D and 1D", "[2, 2]", "[2]");
        AssertThrows<ArgumentException>(() => Tensor.Dot(Tensor.Ones(3), Tensor.Ones(4)), "Dot:", "inconsistent tensor size", "[3]", "[4]");
        AssertThrows<ArgumentException>(() => Tensor.Dot(Tensor.Ones([3], DType.Float32), Tensor.Ones([3], DType.Float64)), "Dot:", "Float32", "Float64");
    }

    [Fact]
    public void Mm_Errors()
    {
        AssertThrows<ArgumentException>(() => Tensor.Mm(Tensor.Ones(3), Tensor.Ones(3, 2)), "Mm:", "2-D", "[3]", "[3, 2]");
        AssertThrows<ArgumentException>(() => Tensor.Mm(Tensor.Ones(2, 3), Tensor.Ones(4, 5)), "Mm:", "[2, 3]", "[4, 5]", "cannot be multiplied", "3 != 4");
        AssertThrows<ArgumentException>(() => Tensor.Mm(Tensor.Ones([2, 2], DType.Float64), Tensor.Ones([2, 2], DType.Float32)), "Mm:", "Float64", "Float32");
    }

    [Fact]
    public void Bmm_Errors()
    {
        AssertThrows<ArgumentException>(() => Tensor.Bmm(Tensor.Ones(2, 3), Tensor.Ones(2, 3, 4)), "Bmm:", "3-D", "[2, 3]", "[2, 3, 4]");
        AssertThrows<ArgumentException>(() => Tensor.Bmm(Tensor.Ones(2, 3, 4), Tensor.Ones(3, 4, 5)), "Bmm:", "same batch size", "[2, 3, 4]", "[3, 4, 5]");
        AssertThrows<ArgumentException>(() => Tensor.Bmm(Tensor.Ones(2, 3, 4), Tensor.Ones(2, 5, 4)), "Bmm:", "[2, 3, 4]", "[2, 5, 4]", "4 != 5");
        AssertThrows<ArgumentException>(() => Tensor.Bmm(Tensor.Ones([1, 2, 2], DType.Float32), Tensor.Ones([1, 2, 2], DType.Float64)), "Bmm:", "Float32", "Float64");
    }

    public static TheoryData<int[], int[], string> MatmulInnerMismatches() => new()
    {
        { [3], [4], "3 != 4" },
        { [3], [4, 2], "3 != 4" },
        { [2, 3], [4], "3 != 4" },
        { [2, 3], [4, 5], "3 != 4" },
        { [2, 2, 3], [4, 5], "3 != 4" },
        { [3], [2, 4, 5], "3 != 4" },
        { [2, 2, 3], [2, 4, 5], "3 != 4" },
    };

    [Theory]
    [MemberData(nameof(MatmulInnerMismatches))]
    public void Matmul_InnerDimensionMismatch_ThrowsNamingMatmulAndTheShapes(int[] shapeA, int[] shapeB, string sizes)
    {
        AssertThrows<ArgumentException>(() => Tensor.Matmul(Tensor.Ones(shapeA), Tensor.Ones(shapeB)),
            "Matmul:", "cannot be multiplied", Shapes(shapeA), Shapes(shapeB), sizes);
    }

    [Fact]
    public void Matmul_OtherErrors()
    {
        AssertThrows<ArgumentException>(() => Tensor.Matmul(Tensor.Scalar(1), Tensor.Ones(2)), "Matmul:", "at least 1 dimension", "[]", "[2]");
        AssertThrows<ArgumentException>(() => Tensor.Matmul(Tensor.Ones(2, 2, 3), Tensor.Ones(3, 3, 2)), "Matmul:", "cannot be broadcast", "[2]", "[3]");
        AssertThrows<ArgumentException>(() => Tensor.Matmul(Tensor.Ones([2, 2], DType.Float32), Tensor.Ones([2, 2], DType.Float64)), "Matmul:", "Float32", "Float64");
        AssertThrows<ArgumentException>(() => Tensor.Matmul(Tensor.Ones([2], DType.Float64), Tensor.Ones([2], DType.Float32)), "Matmul:", "Float64", "Float32");
        AssertThrows<ArgumentException>(() => Tensor.Matmul(Tensor.Ones([2, 2, 2], DType.Float64), Tensor.Ones([2], DType.Float32)), "Matmul:", "Float64", "Float32");
    }

    private static string Shapes(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
