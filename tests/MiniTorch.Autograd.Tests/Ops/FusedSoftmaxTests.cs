using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>
/// The fused last-dim softmax against the composite it replaced (max, subtract, exp, sum, divide over whole tensors,
/// kept as <c>SoftmaxComposite</c>). Both make the same TensorPrimitives calls per element; they could differ only
/// where TensorPrimitives.Exp takes different code for the same value (its scalar code on spans shorter than a
/// vector, which the kernel avoids by padding short rows, or a different vector width). The requirement is within
/// 1 ulp (in the result's precision); on the AVX2 development machine the results are bit-identical (0 ulp).
/// </summary>
public class FusedSoftmaxTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void WithinOneUlpOfTheComposite(DType dtype)
    {
        var gen = new Generator(3);
        long worst = 0;
        // Lengths below, at and around the vector widths, and long rows; several rows each so rows start unaligned.
        foreach (int length in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 257, 1000 })
        {
            foreach (int rows in new[] { 1, 5 })
            {
                var x = (Uniform(gen, [rows, length], requiresGrad: false) * 20).To(dtype);
                worst = Math.Max(worst, MaxUlp(x.SoftmaxComposite(1), x.Softmax(-1), dtype));
            }
        }
        Assert.InRange(worst, 0, 1);
    }

    [Fact]
    public void Float32RowsHaveTheCompositesBits()
    {
        // The fused float32 row (subtract, exp and sum in one call) against the composite's whole-tensor passes: every
        // element and every sum in the same order, so 0 ulp, on rows of part of a vector up to several cascade blocks.
        var gen = new Generator(6);
        foreach (int length in new[] { 1, 7, 16, 63, 64, 65, 256, 1023, 1024, 1025, 2500, 4097 })
        {
            var x = (Uniform(gen, [3, length], requiresGrad: false) * 20).To(DType.Float32);
            Assert.Equal(x.SoftmaxComposite(1).ToDoubleArray(), x.Softmax(-1).ToDoubleArray());
        }
    }

    [Fact]
    public void InfinitiesAndLargeValuesBehaveAsTheComposite()
    {
        var x = Tensor.FromArray([1000.0, 999, -1000, double.NegativeInfinity, 0, double.NegativeInfinity, double.NegativeInfinity, 5, 1e300, -1e300, 3, 2], [3, 4]);
        AssertClose(x.SoftmaxComposite(1), x.Softmax(1), 1e-15);
        // A row holding +∞ is NaN in both (∞ − ∞), as in PyTorch.
        var inf = Tensor.FromArray([double.PositiveInfinity, 1.0], [1, 2]);
        Assert.True(double.IsNaN(inf.Softmax(1).ToDoubleArray()[0]));
    }

    [Fact]
    public void OtherDimsAndLayoutsStillMatchAndDifferentiate()
    {
        var gen = new Generator(4);
        var x = Uniform(gen, [3, 4, 5]);
        // Not the last dim, and a transposed (non-contiguous) input: the composite path.
        AssertClose(x.SoftmaxComposite(1), x.Softmax(1), 1e-15);
        AssertClose(x.Transpose(1, 2).SoftmaxComposite(2), x.Transpose(1, 2).Softmax(2), 1e-15);
        CheckGradients(t => t[0].Softmax(-1), x);
        CheckGradients(t => t[0].Softmax(0), x);
    }

    [Fact]
    public void LargeInputsSplitOverThreadsGiveTheSameRows()
    {
        var x = Uniform(new Generator(5), [300, 257], requiresGrad: false).To(DType.Float32);
        var whole = x.Softmax(-1);
        // Each row computed alone (below the parallel threshold) has the bits of that row of the split run.
        for (int r = 0; r < 300; r += 37)
        {
            Assert.Equal(x.Narrow(0, r, 1).Contiguous().Softmax(-1).ToDoubleArray(), whole.Narrow(0, r, 1).ToDoubleArray());
        }
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void FusedBackwardHasTheCompositeBits(DType dtype)
    {
        // y·(g − Σ g·y) per row: the same cascade sum of the same rounded products, then one subtract and one
        // multiply per element, so the fused pass must give the composite formula's bits (0 ulp), serial or split.
        var gen = new Generator(6);
        foreach (var shape in new[] { new[] { 1, 1 }, [3, 1], [2, 7], [4, 3, 17], [5, 64], [2, 300], [1, 1000], [16, 4, 64, 64] })
        {
            var x = (Uniform(gen, shape, requiresGrad: false) * 8).To(dtype);
            var g = Uniform(gen, shape, requiresGrad: false).To(dtype);
            var y = x.Softmax(-1);
            Tensor expected, fused;
            using (Autograd.NoGrad())
            {
                expected = Tensor.SoftmaxDerivative(g, y, shape.Length - 1);
                fused = Tensor.SoftmaxGradient(g, y, shape.Length - 1);
            }
            Assert.Equal(0, MaxUlp(expected, fused, dtype));
            // Through the engine: the backward of Softmax(-1) runs the fused pass.
            var leaf = x.Detach().SetRequiresGrad();
            leaf.Softmax(-1).Backward(g);
            Assert.Equal(0, MaxUlp(expected, leaf.Grad!, dtype));
        }
    }

    [Fact]
    public void FusedBackwardReadsOffsetRowsAndFallsBackElsewhere()
    {
        var gen = new Generator(7);
        var x = Uniform(gen, [6, 9], requiresGrad: false);
        var y = x.Softmax(-1).Narrow(0, 2, 3); // contiguous rows at an offset
        var g = Uniform(gen, [8, 9], requiresGrad: false).Narrow(0, 4, 3);
        using (Autograd.NoGrad())
        {
            Assert.Equal(0, MaxUlp(Tensor.SoftmaxDerivative(g, y, 1), Tensor.SoftmaxGradient(g, y, 1), DType.Float64));
            // A transposed gradient and another dim take the composite formula.
            var gt = Uniform(gen, [9, 3], requiresGrad: false).T;
            Assert.Equal(0, MaxUlp(Tensor.SoftmaxDerivative(gt, y, 1), Tensor.SoftmaxGradient(gt, y, 1), DType.Float64));
            Assert.Equal(0, MaxUlp(Tensor.SoftmaxDerivative(g, y, 0), Tensor.SoftmaxGradient(g, y, 0), DType.Float64));
        }
        // Under createGraph the gradient is recorded, so it can be differentiated again.
        var leaf = Uniform(gen, [3, 5]);
        var w = Uniform(gen, [3, 5], requiresGrad: false);
        var grad = Autograd.Grad([(leaf.Softmax(-1) * w).Sum()], [leaf], createGraph: true)[0]!;
        Assert.NotNull(grad.GradFn);
        CheckGradients(t => t[0].Softmax(-1) * t[1], leaf, Uniform(gen, [3, 5]));
    }

    private static long MaxUlp(Tensor expected, Tensor actual, DType dtype)
    {
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        long worst = 0;
        for (int i = 0; i < e.Length; i++)
        {
            long distance = dtype == DType.Float32
                ? Math.Abs((long)BitConverter.SingleToInt32Bits((float)e[i]) - BitConverter.SingleToInt32Bits((float)a[i]))
                : Math.Abs(BitConverter.DoubleToInt64Bits(e[i]) - BitConverter.DoubleToInt64Bits(a[i]));
            worst = Math.Max(worst, distance);
        }
        return worst;
    }
}
