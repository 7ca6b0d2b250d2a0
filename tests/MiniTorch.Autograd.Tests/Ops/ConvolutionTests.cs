using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>
/// Tensor.Conv2d against the composite it replaced (Im2Col of the whole batch, one matrix product per group, a
/// broadcast bias), kept here as the reference; PyTorch's values are in the golden op table (Golden/ops.json).
/// </summary>
public class ConvolutionTests
{
    /// <summary>One convolution's sizes and settings.</summary>
    public sealed record Geometry(int N, int C, int H, int W, int O, (int, int) K, (int, int) S, (int, int) P, (int, int) D, int Groups, bool Bias);

    private static readonly Geometry[] s_geometries =
    [
        new(1, 3, 7, 5, 4, (3, 3), (1, 1), (1, 1), (1, 1), 1, true),
        new(7, 2, 9, 8, 3, (3, 2), (2, 2), (1, 0), (1, 1), 1, true),
        new(2, 4, 9, 7, 6, (3, 3), (1, 2), (2, 2), (2, 2), 2, false),
        new(7, 6, 7, 7, 6, (3, 3), (2, 2), (1, 1), (1, 1), 6, true),
        new(3, 3, 5, 6, 6, (2, 3), (1, 1), (0, 1), (2, 1), 3, true),
        new(2, 5, 4, 6, 3, (1, 1), (1, 1), (0, 0), (1, 1), 1, true),
        new(1, 4, 5, 5, 4, (1, 1), (2, 2), (0, 0), (1, 1), 2, false),
        // Large enough (≥ 2¹⁹ multiply-adds) for the batch to be split over threads.
        new(7, 8, 16, 16, 16, (3, 3), (1, 1), (1, 1), (1, 1), 1, true),
        new(9, 8, 12, 12, 8, (3, 3), (1, 1), (1, 1), (1, 1), 2, true),
        // Unit stride, output as wide as the input: the whole-row im2col/col2im (Im2ColRuns), with dilation and depthwise.
        new(2, 4, 6, 5, 4, (3, 3), (1, 1), (2, 2), (2, 2), 2, true),
        new(3, 4, 5, 7, 4, (3, 3), (1, 1), (1, 1), (1, 1), 4, false),
        new(1, 3, 6, 3, 5, (5, 3), (1, 1), (1, 1), (1, 1), 1, true),
        // A kernel wider than the input, unit column stride: some taps read only padding (once an out-of-range slice).
        new(2, 2, 5, 2, 3, (3, 7), (2, 1), (1, 3), (1, 1), 1, true),
    ];

    /// <summary>Indices into the geometry table.</summary>
    public static TheoryData<int> Geometries()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < s_geometries.Length; i++)
        {
            data.Add(i);
        }
        return data;
    }

    /// <summary>The composite: per group, Im2Col then a batched matrix product with the group's flattened filters.</summary>
    internal static Tensor Reference(Tensor x, Tensor w, Tensor? b, (int, int) stride, (int, int) padding, (int, int) dilation, int groups)
    {
        int n = x.Size(0), c = x.Size(1), o = w.Size(0), cg = c / groups, og = o / groups;
        var parts = new Tensor[groups];
        for (int g = 0; g < groups; g++)
        {
            var cols = x.Narrow(1, g * cg, cg).Im2Col((w.Size(2), w.Size(3)), stride, padding, dilation);
            parts[g] = Tensor.Matmul(w.Narrow(0, g * og, og).Reshape(og, -1), cols);
        }
        int outH = (x.Size(2) + 2 * padding.Item1 - dilation.Item1 * (w.Size(2) - 1) - 1) / stride.Item1 + 1;
        int outW = (x.Size(3) + 2 * padding.Item2 - dilation.Item2 * (w.Size(3) - 1) - 1) / stride.Item2 + 1;
        var y = Tensor.Cat(parts, 1).Reshape(n, o, outH, outW);
        return b is null ? y : y + b.Reshape(1, o, 1, 1);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ForwardAndGradientsMatchTheIm2ColComposite(int index)
    {
        var (n, c, h, w, o, k, s, p, d, groups, bias) = s_geometries[index];
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var gen = new Generator(n * 100 + c * 10 + groups);
            var x = Uniform(gen, [n, c, h, w], requiresGrad: false).To(dtype).SetRequiresGrad();
            var weight = Uniform(gen, [o, c / groups, k.Item1, k.Item2], requiresGrad: false).To(dtype).SetRequiresGrad();
            var b = bias ? Uniform(gen, [o], requiresGrad: false).To(dtype).SetRequiresGrad() : null;
            Tensor[] leaves = b is null ? [x, weight] : [x, weight, b];

            var y = Tensor.Conv2d(x, weight, b, s, p, d, groups);
            var expected = Reference(x, weight, b, s, p, d, groups);
            double tol = dtype == DType.Float32 ? 1e-5 : 1e-12;
            AssertClose(expected, y, tol);

            var gy = Uniform(gen, y.Shape.ToArray(), requiresGrad: false).To(dtype);
            var grads = Autograd.Grad([y], leaves, [gy]);
            var expectedGrads = Autograd.Grad([expected], leaves, [gy]);
            for (int i = 0; i < leaves.Length; i++)
            {
                AssertClose(expectedGrads[i]!, grads[i]!, tol);
            }
        }
    }

    [Fact]
    public void GradCheckAndGradGradCheckWithGroupsStrideDilationAndBias()
    {
        var gen = new Generator(3);
        CheckGradients(t => Tensor.Conv2d(t[0], t[1], t[2], stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2),
            Uniform(gen, [2, 4, 5, 6]), Uniform(gen, [4, 2, 3, 2]), Uniform(gen, [4]));
    }

    [Fact]
    public void GradCheckAndGradGradCheckOnStridedOperands()
    {
        var gen = new Generator(4);
        // A transposed input (H and W swapped) and a sliced weight: neither is contiguous.
        var x = Uniform(gen, [1, 2, 5, 4], requiresGrad: false).Transpose(2, 3).SetRequiresGrad();
        var w = Uniform(gen, [3, 4, 2, 2], requiresGrad: false).Narrow(1, 1, 2).SetRequiresGrad();
        Assert.False(x.IsContiguous);
        Assert.False(w.IsContiguous);
        CheckGradients(t => Tensor.Conv2d(t[0], t[1], padding: (1, 1)), x, w);
    }

    [Fact]
    public void DepthwiseGradGradCheck()
    {
        var gen = new Generator(5);
        CheckGradients(t => Tensor.Conv2d(t[0], t[1], t[2], padding: (1, 1), groups: 3), Uniform(gen, [2, 3, 4, 4]), Uniform(gen, [6, 1, 3, 3]), Uniform(gen, [6]));
    }

    [Fact]
    public void DoubleBackwardIsBuiltFromConvolutions()
    {
        var gen = new Generator(6);
        var x = Uniform(gen, [2, 2, 5, 5]);
        var w = Uniform(gen, [3, 2, 3, 3]);
        var y = Tensor.Conv2d(x, w, padding: (1, 1));
        Assert.Equal("ConvolutionBackward", y.GradFn!.Name);
        var grads = Autograd.Grad([y.Square().Sum()], [x, w], createGraph: true);
        // Both first-order gradients are convolution ops with their own backward, not im2col composites.
        Assert.Equal("ConvolutionBackwardBackward", grads[0]!.GradFn!.Name);
        Assert.Equal("ConvolutionBackwardBackward", grads[1]!.GradFn!.Name);
    }

    [Fact]
    public void EmptyBatchHasAnEmptyOutputAndZeroWeightGradient()
    {
        var x = Tensor.Zeros([0, 2, 4, 4], DType.Float64, requiresGrad: true);
        var w = Tensor.Ones([3, 2, 3, 3], DType.Float64, requiresGrad: true);
        var b = Tensor.Ones([3], DType.Float64, requiresGrad: true);
        var y = Tensor.Conv2d(x, w, b);
        Assert.Equal([0, 3, 2, 2], y.Shape);
        y.Sum().Backward();
        Assert.All(w.Grad!.ToDoubleArray(), v => Assert.Equal(0.0, v));
        Assert.All(b.Grad!.ToDoubleArray(), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void UnbatchedInputIsABatchOfOne()
    {
        var gen = new Generator(7);
        var x = Uniform(gen, [2, 5, 5], requiresGrad: false);
        var w = Uniform(gen, [4, 1, 3, 3], requiresGrad: false);
        var y = Tensor.Conv2d(x, w, groups: 2);
        AssertClose(Tensor.Conv2d(x.Unsqueeze(0), w, groups: 2).Squeeze(0), y);
        Assert.Equal([4, 3, 3], y.Shape);
    }

    [Fact]
    public void InvalidArgumentsNameTheOperationAndTheShapes()
    {
        var x = Tensor.Zeros(1, 4, 5, 5);
        AssertThrows<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(3, 2, 3, 3), groups: 2),
            "Conv2d: given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 2, 3, 3]");
        AssertThrows<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(4, 3, 3, 3), groups: 2),
            "Conv2d: given groups=2, weight of size [4, 3, 3, 3], expected input [1, 4, 5, 5] to have 6 channels, but got 4 channels instead");
        AssertThrows<ArgumentOutOfRangeException>(() => Tensor.Conv2d(x, Tensor.Zeros(4, 4, 3, 3), groups: 0), "non-positive groups is not supported");
        AssertThrows<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros([4, 4, 3, 3], DType.Float64)), "Conv2d", "Float64");
        AssertThrows<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(4, 4, 3, 3), Tensor.Zeros(3)),
            "expected bias to be 1-dimensional with 4 elements, but got bias of size [3]");
        AssertThrows<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(4, 4, 7, 3)), "Conv2d: the dilated kernel (7 x 3) is larger than the padded input (5 x 5)");
        AssertThrows<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(4, 4, 3, 3), stride: (0, 1)), "Conv2d: kernel size, stride and dilation must be positive");
    }

    [Fact]
    public void ForwardModeTangentMatchesTheReverseModeOfTheComposite()
    {
        var gen = new Generator(8);
        var x = Uniform(gen, [2, 4, 5, 4], requiresGrad: false);
        var w = Uniform(gen, [2, 2, 2, 3], requiresGrad: false);
        var b = Uniform(gen, [2], requiresGrad: false);
        var (tx, tw, tb) = (Uniform(gen, [2, 4, 5, 4], requiresGrad: false), Uniform(gen, [2, 2, 2, 3], requiresGrad: false), Uniform(gen, [2], requiresGrad: false));
        Tensor tangent;
        using (ForwardAD.Enter())
        {
            var y = Tensor.Conv2d(ForwardAD.MakeDual(x, tx), ForwardAD.MakeDual(w, tw), ForwardAD.MakeDual(b, tb), padding: (1, 0), groups: 2);
            tangent = ForwardAD.Unpack(y).Tangent!;
        }
        // Bilinear: the tangent is conv(tx, w) + conv(x, tw) + tb.
        var expected = Reference(tx, w, null, (1, 1), (1, 0), (1, 1), 2) + Reference(x, tw, null, (1, 1), (1, 0), (1, 1), 2) + tb.Reshape(1, 2, 1, 1);
        AssertClose(expected, tangent, 1e-12);
    }
}
