using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>
/// The direct pooling kernels against the composites they replaced (Im2Col with −∞ or zero padding, then a max or a
/// mean over each window), kept here as references, plus the cases the composites could not express (ceil mode,
/// adaptive windows). PyTorch's values are in the golden op table (Golden/ops.json).
/// </summary>
public class PoolingTests
{
    /// <summary>(channels, height, width, kernel, stride, padding, dilation).</summary>
    public static TheoryData<int, int, int, (int, int), (int, int), (int, int), (int, int)> Windows => new()
    {
        { 2, 6, 6, (2, 2), (2, 2), (0, 0), (1, 1) },
        { 3, 7, 5, (3, 3), (2, 2), (1, 1), (1, 1) },
        { 1, 9, 8, (3, 2), (1, 2), (1, 1), (2, 1) },
        { 2, 5, 7, (2, 3), (3, 1), (1, 1), (1, 2) },
    };

    /// <summary>Integers in [−3, 3]: a coarse grid, so many windows hold tied maxima.</summary>
    private static Tensor Grid(Generator gen, int[] shape)
    {
        var values = Uniform(gen, shape, requiresGrad: false).ToDoubleArray();
        for (int i = 0; i < values.Length; i++)
        {
            // + 0.0 turns −0 into +0: the reference's Max ranks +0 above −0, while pooling (as PyTorch's `>`) ties them.
            values[i] = Math.Round(values[i] * 3) + 0.0;
        }
        return Tensor.FromArray(values, shape);
    }

    private static Tensor MaxReference(Tensor x, (int, int) k, (int, int) s, (int, int) p, (int, int) d)
    {
        int n = x.Size(0), c = x.Size(1);
        var cols = x.Reshape(n * c, 1, x.Size(2), x.Size(3)).Im2Col(k, s, p, d, padValue: double.NegativeInfinity);
        int outH = (x.Size(2) + 2 * p.Item1 - d.Item1 * (k.Item1 - 1) - 1) / s.Item1 + 1;
        int outW = (x.Size(3) + 2 * p.Item2 - d.Item2 * (k.Item2 - 1) - 1) / s.Item2 + 1;
        return cols.Max(1).Values.Reshape(n, c, outH, outW);
    }

    private static Tensor AvgReference(Tensor x, (int, int) k, (int, int) s, (int, int) p, bool countIncludePad)
    {
        int n = x.Size(0), c = x.Size(1);
        var cols = x.Reshape(n * c, 1, x.Size(2), x.Size(3)).Im2Col(k, s, p);
        int outH = (x.Size(2) + 2 * p.Item1 - k.Item1) / s.Item1 + 1;
        int outW = (x.Size(3) + 2 * p.Item2 - k.Item2) / s.Item2 + 1;
        if (countIncludePad)
        {
            return cols.Mean(1).Reshape(n, c, outH, outW);
        }
        var counts = Tensor.Ones([1, 1, x.Size(2), x.Size(3)], x.DType).Im2Col(k, s, p).Sum(1);
        return (cols.Sum(1) / counts).Reshape(n, c, outH, outW);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void MaxPoolMatchesTheIm2ColComposite(int c, int h, int w, (int, int) k, (int, int) s, (int, int) p, (int, int) d)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            // Values on a coarse grid, so many windows hold tied maxima: both must pick the first.
            var gen = new Generator(c * 10 + h);
            var x = Grid(gen, [3, c, h, w]).To(dtype).SetRequiresGrad();
            var y = x.MaxPool2d(k, s, p, d);
            var expected = MaxReference(x, k, s, p, d);
            AssertClose(expected, y, 0);
            var gy = Uniform(gen, y.Shape.ToArray(), requiresGrad: false).To(dtype);
            AssertClose(Autograd.Grad([expected], [x], [gy])[0]!, Autograd.Grad([y], [x], [gy])[0]!, dtype == DType.Float32 ? 1e-6 : 1e-14);
        }
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void AvgPoolMatchesTheIm2ColComposite(int c, int h, int w, (int, int) k, (int, int) s, (int, int) p, (int, int) d)
    {
        _ = d; // average pooling has no dilation
        foreach (bool countIncludePad in new[] { true, false })
        {
            var gen = new Generator(c * 10 + h);
            var x = Uniform(gen, [2, c, h, w]);
            var y = x.AvgPool2d(k, s, p, countIncludePad: countIncludePad);
            var expected = AvgReference(x, k, s, p, countIncludePad);
            AssertClose(expected, y, 1e-14);
            var gy = Uniform(gen, y.Shape.ToArray(), requiresGrad: false);
            AssertClose(Autograd.Grad([expected], [x], [gy])[0]!, Autograd.Grad([y], [x], [gy])[0]!, 1e-14);
        }
    }

    [Fact]
    public void TheFirstMaximumOfAWindowGetsTheGradient()
    {
        // Window 1 holds 3, 3 (first in row 0), window 2 holds 3 twice in different rows; window 3 is all equal.
        var x = Tensor.FromArray(new[] { 1.0, 3, 0, 3, 2, 2, -1, 0, 2, 3, 2, 2 }, [1, 1, 2, 6], requiresGrad: true);
        var y = x.MaxPool2d((2, 2));
        Assert.Equal(new[] { 3.0, 3, 2 }, y.ToDoubleArray());
        y.Backward(Tensor.FromArray(new[] { 1.0, 10, 100 }, [1, 1, 1, 3]));
        Assert.Equal(new[] { 0.0, 1, 0, 10, 100, 0, 0, 0, 0, 0, 0, 0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void OverlappingWindowsAccumulateAtASharedMaximum()
    {
        var x = Tensor.FromArray(new[] { 0.0, 5, 1, 2, 1, 0 }, [1, 1, 2, 3], requiresGrad: true);
        var y = x.MaxPool2d((2, 2), stride: (1, 1));
        Assert.Equal(new[] { 5.0, 5 }, y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal(new[] { 0.0, 2, 0, 0, 0, 0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NaNIsTheMaximumAsInPyTorch()
    {
        var x = Tensor.FromArray(new[] { 1.0, double.NaN, 4, 2 }, [1, 1, 2, 2], requiresGrad: true);
        var y = x.MaxPool2d((2, 2));
        Assert.True(double.IsNaN(y.ToDoubleArray()[0]));
        y.Sum().Backward();
        Assert.Equal(new[] { 0.0, 1, 0, 0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void CeilModeAddsAPartialLastWindow()
    {
        var x = Tensor.Arange(0, 25, dtype: DType.Float64).Reshape(1, 1, 5, 5);
        Assert.Equal([1, 1, 2, 2], x.MaxPool2d((2, 2)).Shape);
        var max = x.MaxPool2d((2, 2), ceilMode: true);
        Assert.Equal(new[] { 6.0, 8, 9, 16, 18, 19, 21, 23, 24 }, max.ToDoubleArray());
        // The last window holds one element; without padding both divisor rules count only it.
        var avg = x.AvgPool2d((2, 2), ceilMode: true);
        Assert.Equal(24.0, avg.ToDoubleArray()[^1]);
        // PyTorch drops a window that would start in the right padding: 4 + 2 − 1 with stride 2 gives 3, not 4.
        Assert.Equal([1, 1, 3, 3], Tensor.Zeros(1, 1, 4, 4).MaxPool2d((2, 2), padding: (1, 1), ceilMode: true).Shape);
    }

    [Fact]
    public void AdaptiveAveragePoolMatchesItsDefinition()
    {
        var gen = new Generator(9);
        var x = Uniform(gen, [2, 3, 7, 5]);
        var y = x.AdaptiveAvgPool2d((3, 2));
        Assert.Equal([2, 3, 3, 2], y.Shape);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                int h0 = i * 7 / 3, h1 = ((i + 1) * 7 + 2) / 3, w0 = j * 5 / 2, w1 = ((j + 1) * 5 + 1) / 2;
                var window = x.Narrow(2, h0, h1 - h0).Narrow(3, w0, w1 - w0).Mean([2, 3]);
                AssertClose(window, y.Select(3, j).Select(2, i), 1e-14);
            }
        }
        AssertClose(x.Mean([2, 3], keepDim: true), x.AdaptiveAvgPool2d((1, 1)), 1e-14);
    }

    [Fact]
    public void GradCheckAndGradGradCheckOfEveryPool()
    {
        var gen = new Generator(10);
        CheckGradients(t => t[0].MaxPool2d((2, 3), stride: (1, 2), padding: (1, 1), dilation: (2, 1), ceilMode: true), Distinct(gen, [2, 2, 5, 6]));
        CheckGradients(t => t[0].MaxPool2d((2, 2)).Square(), Distinct(gen, [1, 2, 4, 4]));
        CheckGradients(t => t[0].AvgPool2d((3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true, countIncludePad: false).Square(), Uniform(gen, [2, 1, 6, 5]));
        CheckGradients(t => t[0].AvgPool2d((2, 3), padding: (1, 1)), Uniform(gen, [1, 2, 5, 5]));
        CheckGradients(t => t[0].AdaptiveAvgPool2d((3, 4)).Square(), Uniform(gen, [1, 2, 5, 7]));
        // A transposed (non-contiguous) input.
        CheckGradients(t => t[0].AvgPool2d((2, 2), stride: (1, 1)), Uniform(gen, [1, 1, 4, 3], requiresGrad: false).Transpose(2, 3).SetRequiresGrad());
    }

    [Fact]
    public void UnbatchedInputIsABatchOfOne()
    {
        var gen = new Generator(11);
        var x = Uniform(gen, [2, 5, 5], requiresGrad: false);
        AssertClose(x.Unsqueeze(0).MaxPool2d((2, 2)).Squeeze(0), x.MaxPool2d((2, 2)), 0);
        AssertClose(x.Unsqueeze(0).AvgPool2d((3, 3), padding: (1, 1)).Squeeze(0), x.AvgPool2d((3, 3), padding: (1, 1)), 0);
        AssertClose(x.Unsqueeze(0).AdaptiveAvgPool2d((2, 2)).Squeeze(0), x.AdaptiveAvgPool2d((2, 2)), 0);
    }

    [Fact]
    public void InvalidArgumentsNameTheOperation()
    {
        AssertThrows<ArgumentException>(() => Tensor.Zeros(1, 1, 4, 4).AvgPool2d((2, 2), padding: (2, 2)),
            "AvgPool2d: pad should be at most half of the kernel size, but got padding (2, 2) for kernel (2, 2)");
        AssertThrows<ArgumentException>(() => Tensor.Zeros(1, 1, 2, 2).MaxPool2d((3, 3)), "MaxPool2d: given input size (1x2x2), calculated output size (1x0x0) is too small");
        AssertThrows<ArgumentException>(() => Tensor.Zeros(4, 4).MaxPool2d((2, 2)), "MaxPool2d: expected 3D or 4D (batch mode) tensor, but got input of shape [4, 4]");
        AssertThrows<ArgumentException>(() => Tensor.Zeros(1, 1, 4, 4).MaxPool2d((2, 0)), "MaxPool2d: kernel size, stride and dilation must be positive");
        AssertThrows<ArgumentException>(() => Tensor.Zeros(1, 1, 4, 4).AdaptiveAvgPool2d((0, 2)), "AdaptiveAvgPool2d: output size must be positive, got (0, 2)");
        AssertThrows<ArgumentException>(() => Tensor.Zeros(1, 1, 0, 4).AdaptiveAvgPool2d((1, 1)), "AdaptiveAvgPool2d: expected input to have non-zero size for non-batch dimensions");
    }

    [Fact]
    public void LargeInputsSplitOverThreadsGiveTheSameResult()
    {
        // 64 planes of 32 × 32 is above the parallel threshold; each plane is computed the same way on any thread.
        var gen = new Generator(12);
        var x = Uniform(gen, [8, 8, 32, 32]);
        var max = x.MaxPool2d((3, 3), stride: (2, 2), padding: (1, 1));
        var avg = x.AvgPool2d((3, 3), stride: (2, 2), padding: (1, 1));
        AssertClose(MaxReference(x, (3, 3), (2, 2), (1, 1), (1, 1)), max, 0);
        AssertClose(AvgReference(x, (3, 3), (2, 2), (1, 1), true), avg, 1e-14);
        var grad = Autograd.Grad([max.Sum() + avg.Sum()], [x])[0]!;
        var expected = Autograd.Grad([MaxReference(x, (3, 3), (2, 2), (1, 1), (1, 1)).Sum() + AvgReference(x, (3, 3), (2, 2), (1, 1), true).Sum()], [x])[0]!;
        AssertClose(expected, grad, 1e-14);
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(4, 4)]
    [InlineData(6, 8)]
    [InlineData(16, 16)]
    [InlineData(7, 9)]
    public void InferenceKeepsNoIndexAndGivesTheSameValues(int h, int w)
    {
        // Float32 2×2 stride-2 pools of planes 4 or 8 wide take the cross-plane kernel, with its index under grad and
        // without it under NoGrad (inference); the others drop a scratch index. Values and gradients must not change.
        var gen = new Generator(h * 17 + w);
        var x = Grid(gen, [9, 5, h, w]).To(DType.Float32).SetRequiresGrad();
        var y = x.MaxPool2d((2, 2));
        Tensor inference;
        using (Autograd.NoGrad())
        {
            inference = x.MaxPool2d((2, 2));
        }
        Assert.Null(inference.GradFn);
        var expected = MaxReference(x, (2, 2), (2, 2), (0, 0), (1, 1));
        AssertClose(expected, y, 0);
        AssertClose(expected, inference, 0);
        AssertClose(expected, x.Detach().MaxPool2d((2, 2)), 0);
        var gy = Uniform(gen, y.Shape.ToArray(), requiresGrad: false).To(DType.Float32);
        AssertClose(Autograd.Grad([expected], [x], [gy])[0]!, Autograd.Grad([y], [x], [gy])[0]!, 1e-6);
    }
}
