using MiniTorch.Tests.Kernels;

namespace MiniTorch.Tests.Ops;

/// <summary>
/// <see cref="Tensor.Conv2dInference"/> against the ops it stands for, <see cref="Tensor.Conv2d"/> then
/// <see cref="Tensor.BatchNormInference"/> then <see cref="Tensor.Relu"/>: every output bit-identical, on the batched
/// path (the digits CNN's layers, split over threads) and the per-sample ones (stride, groups, 1×1, positions not a
/// whole number of vectors), float32 and float64, at both GEMM widths, with NaN, −0 and negative inputs; and the same
/// graph, tangents and trace as the three ops whenever something records. Global switches: the GEMM-width collection.
/// </summary>
[Collection(GemmWidthCollection.Name)]
public class ConvInferenceTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Geometries => new()
    {
        // batch, channels, height, width, out channels, kernel, stride, groups (padding kernel / 2)
        { 256, 1, 8, 8, 16, 3, 1, 1 },   // the digits CNN's first layer, batched path, many parts
        { 7, 16, 4, 4, 32, 3, 1, 1 },    // its second: one vector per sample at AVX-512
        { 3, 32, 16, 16, 64, 3, 1, 1 },  // k = 288: two KC blocks, the epilogue after the last
        { 5, 4, 9, 9, 6, 3, 2, 1 },      // stride 2: the per-sample products
        { 5, 4, 8, 8, 6, 3, 1, 2 },      // two groups
        { 4, 6, 6, 6, 6, 3, 1, 6 },      // depthwise
        { 5, 4, 8, 8, 6, 1, 1, 1 },      // 1×1: the input is the column matrix
        { 41, 8, 7, 7, 16, 3, 1, 1 },    // 49 positions: the per-sample products, split by sample over threads
        { 1, 2, 8, 8, 3, 3, 1, 1 },      // one sample
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MatchesConvolutionThenBatchNormThenReluBitForBit(int n, int c, int h, int w, int o, int kernel, int stride, int groups)
    {
        foreach (bool allow512 in new[] { true, false })
        {
            foreach (int threads in new[] { 1, 4 })
            {
                using var settings = new KernelSettings(allow512, threads);
                foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                {
                    var gen = new Generator(n * 31 + c * 7 + o + kernel);
                    var x = Input(gen, [n, c, h, w], dtype);
                    var weight = Tensor.Randn([o, c / groups, kernel, kernel], generator: gen).To(dtype);
                    var bias = Tensor.Randn([o], generator: gen).To(dtype);
                    var bn = Statistics(gen, o, dtype, affineWeight: true, affineBias: true);
                    foreach (var (convBias, batchNorm, relu) in Variants(bias, bn, gen, o, dtype))
                    {
                        string what = $"{dtype} threads {threads} AVX-512 {allow512} bias {convBias is not null} bn {batchNorm is not null} relu {relu}";
                        Tensor fused, composite;
                        using (Autograd.NoGrad())
                        {
                            // Every variant takes the one kernel but the promoted statistics of a float32 input.
                            bool promoted = batchNorm is not null && batchNorm.RunningMean.DType != dtype;
                            Assert.Equal(!promoted, Tensor.FusesConvEpilogue(x, weight, convBias, batchNorm));
                            fused = Tensor.Conv2dInference(x, weight, convBias, padding: (kernel / 2, kernel / 2), stride: (stride, stride), groups: groups,
                                batchNorm: batchNorm, relu: relu);
                        }
                        composite = Composite(x.Detach().SetRequiresGrad(), weight, convBias, kernel, stride, groups, batchNorm, relu);
                        Assert.NotNull(composite.GradFn);
                        Assert.Null(fused.GradFn);
                        AssertSameBits(composite, fused, what);
                    }
                }
            }
        }
    }

    [Fact]
    public void WithGradientsWantedItRecordsTheThreeOpsAndTheirGradients()
    {
        var gen = new Generator(3);
        var x = Tensor.Randn([2, 3, 6, 6], generator: gen, dtype: DType.Float64);
        var w0 = Tensor.Randn([4, 3, 3, 3], generator: gen, dtype: DType.Float64);
        var b0 = Tensor.Randn([4], generator: gen, dtype: DType.Float64);
        var bn = Statistics(gen, 4, DType.Float64, affineWeight: true, affineBias: true);
        var (w1, b1) = (w0.Detach().SetRequiresGrad(), b0.Detach().SetRequiresGrad());
        var (w2, b2) = (w0.Detach().SetRequiresGrad(), b0.Detach().SetRequiresGrad());
        var fused = Tensor.Conv2dInference(x, w1, b1, padding: (1, 1), batchNorm: bn, relu: true);
        var composite = Composite(x, w2, b2, 3, 1, 1, bn, relu: true);
        Assert.Equal("ReluBackward", fused.GradFn?.Name);
        AssertSameBits(composite, fused, "output");
        var upstream = Tensor.Randn([2, 4, 6, 6], generator: gen, dtype: DType.Float64);
        fused.Backward(upstream);
        composite.Backward(upstream);
        AssertSameBits(w2.Grad!, w1.Grad!, "weight gradient");
        AssertSameBits(b2.Grad!, b1.Grad!, "bias gradient");
        // And the gradients are right, by finite differences (the epilogue is the composite whenever it records).
        Assert.True(GradCheck.Check(p => Tensor.Conv2dInference(x, p[0], p[1], padding: (1, 1), batchNorm: bn, relu: true),
            [w1.Detach().SetRequiresGrad(), b1.Detach().SetRequiresGrad()]));
    }

    [Fact]
    public void ATangentIsThatOfTheThreeOps()
    {
        var gen = new Generator(4);
        var x = Tensor.Randn([2, 3, 5, 5], generator: gen, dtype: DType.Float64);
        var tx = Tensor.Randn([2, 3, 5, 5], generator: gen, dtype: DType.Float64);
        var w = Tensor.Randn([4, 3, 3, 3], generator: gen, dtype: DType.Float64);
        var bn = Statistics(gen, 4, DType.Float64, affineWeight: true, affineBias: false);
        Tensor fused, composite;
        using (Autograd.NoGrad())
        using (ForwardAD.Enter())
        {
            fused = ForwardAD.Unpack(Tensor.Conv2dInference(ForwardAD.MakeDual(x, tx), w, null, padding: (1, 1), batchNorm: bn, relu: true)).Tangent!;
            composite = ForwardAD.Unpack(Composite(ForwardAD.MakeDual(x, tx), w, null, 3, 1, 1, bn, relu: true)).Tangent!;
        }
        Assert.NotNull(fused);
        AssertSameBits(composite, fused, "tangent");
    }

    [Fact]
    public void ATraceRecordsConvolutionBatchNormAndRelu()
    {
        var gen = new Generator(5);
        var x = Tensor.Randn([1, 2, 4, 4], generator: gen);
        var bn = Statistics(gen, 3, DType.Float32, affineWeight: false, affineBias: true);
        var w = Tensor.Randn([3, 2, 3, 3], generator: gen);
        using var trace = Tracing.Start([x]);
        var y = Tensor.Conv2dInference(x, w, null, padding: (1, 1), batchNorm: bn, relu: true);
        var names = trace.Ops.Select(op => op.Name).ToList();
        Assert.Equal("Conv2d", names[0]);
        Assert.Equal("Relu", names[^1]);
        Assert.Equal("BatchNorm", names[^2]);
        Assert.Same(y, trace.Ops[^1].Outputs.Single());
    }

    [Theory]
    [InlineData(4, 3, "BatchNorm: expected runningMean of shape [3] (one value per channel of the input [2, 3, 6, 6]), got [4]")]
    [InlineData(3, 2, "BatchNorm: expected runningVar of shape [3] (one value per channel of the input [2, 3, 6, 6]), got [2]")]
    public void BatchNormVectorsOfAnotherSizeAreRefusedAsBatchNormRefusesThem(int meanSize, int varSize, string message)
    {
        var x = Tensor.Zeros([2, 2, 6, 6]);
        var bn = new FrozenBatchNorm(Tensor.Zeros([meanSize]), Tensor.Ones([varSize]));
        foreach (bool noGrad in new[] { true, false })
        {
            using (Autograd.SetGradEnabled(!noGrad))
            {
                var ex = Assert.Throws<ArgumentException>(() => Tensor.Conv2dInference(x, Tensor.Zeros([3, 2, 3, 3]).SetRequiresGrad(!noGrad), padding: (1, 1), batchNorm: bn));
                Assert.Contains(message, ex.Message);
            }
        }
    }

    [Fact]
    public void NothingFusesWhileSomethingRecords()
    {
        var x = Tensor.Randn([2, 2, 4, 4], generator: new Generator(6));
        var w = Tensor.Randn([3, 2, 3, 3], generator: new Generator(7));
        var bn = new FrozenBatchNorm(Tensor.Zeros([3]), Tensor.Ones([3]));
        Assert.True(Tensor.FusesConvEpilogue(x, w, null, bn));
        Assert.False(Tensor.FusesConvEpilogue(x, w.Detach().SetRequiresGrad(), null, bn));
        Assert.False(Tensor.FusesConvEpilogue(x, w, null, new FrozenBatchNorm(Tensor.Zeros([3]), Tensor.Ones([3]).SetRequiresGrad())));
        Assert.False(Tensor.FusesConvEpilogue(x.Transpose(2, 3).Unsqueeze(0), w, null, bn)); // not batched 4-D
        Assert.False(Tensor.FusesConvEpilogue(x, w, null, new FrozenBatchNorm(Tensor.Zeros([3, 2]).Select(1, 0), Tensor.Ones([3]))));
        using (Autograd.NoGrad())
        {
            Assert.True(Tensor.FusesConvEpilogue(x, w.Detach().SetRequiresGrad(), null, bn));
            using (var trace = Tracing.Start([x]))
            {
                Assert.False(Tensor.FusesConvEpilogue(x, w, null, bn));
            }
            using (ForwardAD.Enter())
            {
                Assert.False(Tensor.FusesConvEpilogue(x, w, null, bn));
            }
        }
    }

    [Fact]
    public void ANegativeZeroFromTheBatchNormIsWhatReluMakesOfIt()
    {
        // A zero convolution gives +0; a batch norm of weight −1 and no bias turns it into −0, which ReLU maps to +0.
        var x = Tensor.Randn([3, 2, 4, 4], generator: new Generator(8));
        var w = Tensor.Zeros([4, 2, 3, 3]);
        var bn = new FrozenBatchNorm(Tensor.Zeros([4]), Tensor.Ones([4]), Tensor.Full([4], -1.0));
        foreach (bool relu in new[] { false, true })
        {
            Tensor fused;
            using (Autograd.NoGrad())
            {
                fused = Tensor.Conv2dInference(x, w, null, padding: (1, 1), batchNorm: bn, relu: relu);
            }
            var composite = Composite(x.Detach().SetRequiresGrad(), w, null, 3, 1, 1, bn, relu);
            AssertSameBits(composite, fused, $"relu {relu}");
            Assert.Equal(!relu, double.IsNegative(fused.ToDoubleArray()[0]));
        }
    }

    [Fact]
    public void UnbatchedEmptyAndNonContiguousInputsAreThoseOfTheThreeOps()
    {
        var gen = new Generator(9);
        var w = Tensor.Randn([3, 2, 3, 3], generator: gen);
        var bn = Statistics(gen, 3, DType.Float32, affineWeight: true, affineBias: true);
        // (C, H, W) is a batch of one: the batch norm normalises the output channels, not its rows.
        var unbatched = Tensor.Randn([2, 3, 3], generator: gen);
        var expected = Composite(unbatched.Unsqueeze(0).SetRequiresGrad(), w, null, 3, 1, 1, bn, relu: true).Squeeze(0);
        using (Autograd.NoGrad())
        {
            AssertSameBits(expected, Tensor.Conv2dInference(unbatched, w, padding: (1, 1), batchNorm: bn, relu: true), "unbatched");
            var empty = Tensor.Conv2dInference(Tensor.Zeros([0, 2, 5, 5]), w, padding: (1, 1), batchNorm: bn, relu: true);
            Assert.Equal([0, 3, 5, 5], empty.Shape.ToArray());
            var strided = Tensor.Randn([2, 2, 7, 6], generator: gen).Transpose(2, 3);
            Assert.False(strided.IsContiguous);
            AssertSameBits(Composite(strided.Detach().SetRequiresGrad(), w, null, 3, 1, 1, bn, relu: true),
                Tensor.Conv2dInference(strided, w, padding: (1, 1), batchNorm: bn, relu: true), "transposed input");
        }
    }

    [Fact]
    public void ConvolutionErrorsAreConv2dsOwn()
    {
        var x = Tensor.Zeros([2, 3, 6, 6]);
        var w = Tensor.Zeros([4, 2, 3, 3]);
        var expected = Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, w));
        var actual = Assert.Throws<ArgumentException>(() => Tensor.Conv2dInference(x, w, relu: true));
        Assert.Equal(expected.Message, actual.Message);
    }

    private static IEnumerable<(Tensor? Bias, FrozenBatchNorm? BatchNorm, bool Relu)> Variants(Tensor bias, FrozenBatchNorm bn, Generator gen, int o, DType dtype)
    {
        yield return (bias, bn, true);
        yield return (null, bn, true);
        yield return (bias, bn, false);
        yield return (bias, null, true);
        yield return (bias, null, false);
        yield return (bias, Statistics(gen, o, dtype, affineWeight: true, affineBias: false), true);
        yield return (null, Statistics(gen, o, dtype, affineWeight: false, affineBias: true), true);
        yield return (bias, Statistics(gen, o, dtype, affineWeight: false, affineBias: false), false);
        // A float64 mean: with a float32 input the composite promotes, so the three ops run (and agree with themselves);
        // with a float64 input nothing promotes and the one kernel runs.
        yield return (bias, new FrozenBatchNorm(bn.RunningMean.To(DType.Float64), bn.RunningVar, bn.Weight, bn.Bias, 1e-3), true);
    }

    private static Tensor Composite(Tensor x, Tensor w, Tensor? b, int kernel, int stride, int groups, FrozenBatchNorm? bn, bool relu)
    {
        var y = Tensor.Conv2d(x, w, b, padding: (kernel / 2, kernel / 2), stride: (stride, stride), groups: groups);
        if (bn is not null)
        {
            y = y.BatchNormInference(bn.RunningMean, bn.RunningVar, bn.Weight, bn.Bias, bn.Eps);
        }
        return relu ? y.Relu() : y;
    }

    /// <summary>Normal values around 0, with a NaN, a −0 and a +0 in the first sample, so ReLU sees all its cases.</summary>
    private static Tensor Input(Generator gen, int[] shape, DType dtype)
    {
        var x = (Tensor.Randn(shape, generator: gen) * 2).To(dtype);
        var values = x.ToDoubleArray();
        values[0] = double.NaN;
        values[1] = -0.0;
        values[2] = 0.0;
        return Tensor.FromArray(values, shape).To(dtype);
    }

    private static FrozenBatchNorm Statistics(Generator gen, int c, DType dtype, bool affineWeight, bool affineBias) => new(
        (Tensor.Randn([c], generator: gen) * 3).To(dtype),
        (Tensor.Rand([c], generator: gen) * 4).To(dtype),
        affineWeight ? Tensor.Randn([c], generator: gen).To(dtype) : null,
        affineBias ? Tensor.Randn([c], generator: gen).To(dtype) : null,
        1e-3);

    private static void AssertSameBits(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        Assert.Equal(expected.DType, actual.DType);
        var (a, b) = (expected.ToDoubleArray(), actual.ToDoubleArray());
        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i]))
            {
                Assert.Fail($"{what}: element {i} is {b[i]:R}, the composite's {a[i]:R}");
            }
        }
    }
}
