namespace MiniTorch.NN.Tests.Layers;

/// <summary>
/// <see cref="Sequential"/> runs Conv2d → BatchNorm2d (running statistics) → ReLU blocks as one
/// <see cref="Tensor.Conv2dInference"/>: what it computes must be, bit for bit, the modules called one after the other,
/// in every mode (evaluation, training with batch statistics, a frozen batch norm while training), with and without
/// gradients, and the batch norm must still update its statistics when it learns.
/// </summary>
public class SequentialConvFusionTests
{
    private static (Sequential Model, Tensor Input) DigitsCnn(int seed, bool affine = true, bool trackRunningStats = true)
    {
        var g = new Generator(seed);
        var bn = new BatchNorm2d(16, affine: affine, trackRunningStats: trackRunningStats);
        var model = new Sequential(
            new Conv2d(1, 16, 3, padding: 1, generator: g), bn, new Relu(), new MaxPool2d(2),
            new Conv2d(16, 32, 3, padding: 1, generator: g), new Relu(), new MaxPool2d(2),
            new Conv2d(32, 8, 1, generator: g), new BatchNorm2d(8), new Sigmoid(),
            new Flatten());
        using (Autograd.NoGrad())
        {
            // Statistics and affine values away from their defaults, so a batch norm skipped or applied twice shows.
            foreach (var b in model.OfType<BatchNorm2d>())
            {
                b.RunningMean?.CopyFromInPlace(Tensor.Randn([b.NumFeatures], generator: g));
                b.RunningVar?.CopyFromInPlace(Tensor.Rand([b.NumFeatures], generator: g) * 3 + 0.1);
                b.Weight?.CopyFromInPlace(Tensor.Randn([b.NumFeatures], generator: g));
                b.Bias?.CopyFromInPlace(Tensor.Randn([b.NumFeatures], generator: g));
            }
        }
        return (model, Tensor.Randn([37, 1, 8, 8], generator: g));
    }

    private static Tensor OneByOne(Sequential model, Tensor x)
    {
        foreach (var m in model)
        {
            x = m.Call(x);
        }
        return x;
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, false)]
    public void EvaluationGivesTheModulesBitsOneAfterAnother(bool noGrad, bool affine, bool trackRunningStats)
    {
        var (model, x) = DigitsCnn(1, affine, trackRunningStats);
        model.Eval();
        Tensor expected, actual;
        using (Autograd.SetGradEnabled(!noGrad))
        {
            expected = OneByOne(model, x);
            actual = model.Call(x);
        }
        AssertSameBits(expected, actual);
        Assert.Equal(!noGrad, actual.GradFn is not null);
    }

    [Fact]
    public void TrainingWithBatchStatisticsUpdatesThemOnce()
    {
        var (fused, x) = DigitsCnn(2);
        var (plain, _) = DigitsCnn(2);
        var expected = OneByOne(plain, x);
        var actual = fused.Call(x);
        AssertSameBits(expected, actual);
        var (a, b) = ((BatchNorm2d)plain[1], (BatchNorm2d)fused[1]);
        Assert.Equal(1, b.NumBatchesTracked!.ToArray<long>()[0]);
        AssertSameBits(a.RunningMean!, b.RunningMean!);
        AssertSameBits(a.RunningVar!, b.RunningVar!);
    }

    [Fact]
    public void AFrozenBatchNormWhileTrainingGivesTheSameGradients()
    {
        var (fused, x) = DigitsCnn(3);
        var (plain, _) = DigitsCnn(3);
        foreach (var model in new[] { fused, plain })
        {
            model.Train();
            model[1].Freeze();
        }
        OneByOne(plain, x).Square().Sum().Backward();
        fused.Call(x).Square().Sum().Backward();
        var conv = ((Conv2d)plain[0], (Conv2d)fused[0]);
        AssertSameBits(conv.Item1.Weight.Grad!, conv.Item2.Weight.Grad!);
        AssertSameBits(conv.Item1.Bias!.Grad!, conv.Item2.Bias!.Grad!);
        Assert.Equal(0, ((BatchNorm2d)fused[1]).NumBatchesTracked!.ToArray<long>()[0]);
    }

    [Fact]
    public void AnUnbatchedInputRunsTheModulesAsTheyAre()
    {
        // A (C, H, W) input: the convolution accepts it and BatchNorm2d refuses its 3-D output, fused or not.
        var g = new Generator(4);
        var model = new Sequential(new Conv2d(2, 3, 3, padding: 1, generator: g), new Relu(), new Conv2d(3, 3, 3, generator: g), new BatchNorm2d(3));
        model.Eval();
        var x = Tensor.Randn([2, 5, 5], generator: g);
        var ex = Assert.Throws<ModuleInputException>(() => model.Call(x));
        Assert.Contains("BatchNorm2d", ex.Message);
        Assert.Contains("[3, 3, 3]", ex.Message);
        // Without the batch norm, the unbatched block is the modules' too.
        var head = new Sequential(model[0], model[1]);
        AssertSameBits(model[1].Call(model[0].Call(x)), head.Call(x));
    }

    [Fact]
    public void ABatchNormOfAnotherWidthFailsAsItWouldAlone()
    {
        var g = new Generator(5);
        var model = new Sequential(new Conv2d(2, 3, 3, padding: 1, generator: g), new BatchNorm2d(4), new Relu());
        model.Eval();
        var ex = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.Randn([2, 2, 5, 5], generator: g)));
        Assert.Contains("The input has 3 channels; NumFeatures is 4.", ex.Message);
    }

    [Fact]
    public void TheBlocksAreMatchedOnlyWhenTheOneKernelRuns()
    {
        var (model, x) = DigitsCnn(6);
        var children = model.ToList();
        var h = Tensor.Randn([37, 16, 4, 4], generator: new Generator(7));
        var z = Tensor.Randn([37, 32, 2, 2], generator: new Generator(8));
        model.Eval();
        using (Autograd.NoGrad())
        {
            Assert.Equal(3, ConvBlockFusion.Match(children, 0, x).Length);   // Conv2d, BatchNorm2d, ReLU
            Assert.Equal(2, ConvBlockFusion.Match(children, 4, h).Length);   // Conv2d, ReLU
            Assert.Equal(2, ConvBlockFusion.Match(children, 7, z).Length);   // Conv2d, BatchNorm2d (then a Sigmoid)
            Assert.Equal(1, ConvBlockFusion.Match(children, 0, x.Squeeze(1)).Length); // unbatched (C, H, W)
            Assert.Equal(1, ConvBlockFusion.Match(children, 0, x.To(DType.Float64)).Length);
        }
        // The parameters require grad: with grad enabled the modules run, and record, one by one.
        Assert.Equal(1, ConvBlockFusion.Match(children, 0, x).Length);
        model.Train();
        using (Autograd.NoGrad())
        {
            // Batch statistics: the batch norm runs as itself, so the convolution has no ReLU after it either.
            Assert.Equal(1, ConvBlockFusion.Match(children, 0, x).Length);
            model[1].Freeze();
            Assert.Equal(3, ConvBlockFusion.Match(children, 0, x).Length);
        }
    }

    [Fact]
    public void AConvolutionWhoseWeightHasOtherChannelsFailsInTheBatchNorm()
    {
        // The weight's out channels, not the layer's recorded OutChannels, decide what the batch norm receives.
        var g = new Generator(9);
        var conv = new Conv2d(2, 3, 3, padding: 1, bias: false, generator: g);
        conv.SetParameter("weight", new Parameter(Tensor.Randn([4, 2, 3, 3], generator: g)));
        var model = new Sequential(conv, new BatchNorm2d(3), new Relu());
        model.Eval();
        using (Autograd.NoGrad())
        {
            var ex = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.Randn([2, 2, 5, 5], generator: g)));
            Assert.Contains("The input has 4 channels; NumFeatures is 3.", ex.Message);
        }
    }

    [Fact]
    public void ABatchNormVectorOfAnotherWidthFailsAsItWouldAlone()
    {
        var g = new Generator(10);
        var bn = new BatchNorm2d(3);
        bn.SetBuffer("running_mean", Tensor.Zeros([5]));
        var model = new Sequential(new Conv2d(2, 3, 3, padding: 1, generator: g), bn, new Relu());
        model.Eval();
        var x = Tensor.Randn([2, 2, 5, 5], generator: g);
        using (Autograd.NoGrad())
        {
            var expected = Assert.ThrowsAny<Exception>(() => bn.Call(model[0].Call(x)));
            var actual = Assert.ThrowsAny<Exception>(() => model.Call(x));
            Assert.Equal(expected.GetType(), actual.GetType());
            Assert.Equal(expected.Message, actual.Message);
            Assert.Contains("expected runningMean of shape [3] for an input with 3 channels, got [5]", actual.Message);
        }
    }

    private static void AssertSameBits(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        var (a, b) = (expected.ToDoubleArray(), actual.ToDoubleArray());
        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i]))
            {
                Assert.Fail($"element {i} is {b[i]:R}, the modules' {a[i]:R}");
            }
        }
    }
}
