namespace MiniTorch.NN.Tests.Layers;

public class BatchNormTests
{
    private static BatchNorm Create(string name, double? momentum) => name.StartsWith("batchnorm1d", StringComparison.Ordinal)
        ? new BatchNorm1d(3, momentum: momentum, dtype: DType.Float64)
        : new BatchNorm2d(name == "batchnorm2d" ? 2 : 3, momentum: momentum, dtype: DType.Float64);

    [Theory]
    [InlineData("batchnorm1d_2d")]
    [InlineData("batchnorm1d_3d")]
    [InlineData("batchnorm2d")]
    [InlineData("batchnorm2d_cumulative")]
    public void TrainingStepsAndEvaluationMatchPyTorch(string name)
    {
        var c = Golden.Case("layers.json", name);
        var cfg = c.GetProperty("config");
        double? momentum = cfg.GetProperty("momentum").ValueKind == System.Text.Json.JsonValueKind.Null ? null : cfg.GetProperty("momentum").GetDouble();
        var bn = Create(name, momentum);
        using (Autograd.NoGrad())
        {
            bn.Weight!.CopyFromInPlace(Golden.Tensor(c.GetProperty("params"), "weight"));
            bn.Bias!.CopyFromInPlace(Golden.Tensor(c.GetProperty("params"), "bias"));
        }
        int step = 0;
        foreach (var s in c.GetProperty("steps").EnumerateArray())
        {
            step++;
            bn.ZeroGrad();
            var x = Golden.Tensor(s.GetProperty("input"), requiresGrad: true);
            var y = bn.Call(x);
            Check.Close(Golden.Tensor(s, "output"), y, what: $"{name} step {step} output");
            y.Backward(Golden.Tensor(s, "grad_output"));
            var grads = s.GetProperty("grads");
            Check.Close(Golden.Tensor(grads, "input"), x.Grad!, what: $"{name} step {step} input grad");
            Check.Close(Golden.Tensor(grads, "weight"), bn.Weight!.Grad!, what: $"{name} step {step} weight grad");
            Check.Close(Golden.Tensor(grads, "bias"), bn.Bias!.Grad!, what: $"{name} step {step} bias grad");
            Check.Close(Golden.Tensor(s, "running_mean"), bn.RunningMean!, what: $"{name} step {step} running_mean");
            Check.Close(Golden.Tensor(s, "running_var"), bn.RunningVar!, what: $"{name} step {step} running_var");
            Assert.Equal(DType.Int64, bn.NumBatchesTracked!.DType); // torch.long, whatever the layer's dtype
            Assert.Equal(s.GetProperty("num_batches_tracked").GetInt64(), bn.NumBatchesTracked!.ToArray<long>()[0]);
        }
        bn.Eval();
        Check.Close(Golden.Tensor(c, "eval_output"), bn.Call(Golden.Tensor(c, "eval_input")), what: $"{name} eval output");
    }

    [Theory]
    [InlineData(DType.Float32, new[] { 6, 5, 8, 8 }, true, true)]
    [InlineData(DType.Float32, new[] { 3, 4, 7, 5 }, false, false)]
    [InlineData(DType.Float32, new[] { 9, 7 }, true, true)]
    [InlineData(DType.Float32, new[] { 2, 3, 13 }, true, false)]
    [InlineData(DType.Float64, new[] { 4, 3, 5, 6 }, true, true)]
    [InlineData(DType.Float64, new[] { 2, 3, 2, 3, 5 }, false, true)]
    // Past the parallel threshold, with planes of 37·29 elements, so chunks of the split begin and end inside planes.
    [InlineData(DType.Float32, new[] { 64, 3, 37, 29 }, true, true)]
    [InlineData(DType.Float32, new[] { 50, 5, 23, 19 }, true, false)]
    [InlineData(DType.Float64, new[] { 40, 5, 31, 17 }, false, false)]
    [InlineData(DType.Float64, new[] { 30, 7, 19, 17 }, false, true)]
    public void InferenceIsBitIdenticalToTheComposite(DType dtype, int[] shape, bool hasWeight, bool hasBias)
    {
        // Under NoGrad nothing records, so eval batch norm runs one fused pass; with grad wanted it runs the
        // composite (x − mean) / √(var + eps) · weight + bias of broadcast ops. Every element must be the same bits.
        // Four threads, whatever the machine's core count, so the large cases run split and their chunk boundaries do
        // not depend on the runner (the split's results do not depend on the thread count either).
        int savedThreads = Parallelism.MaxThreads;
        Parallelism.MaxThreads = 4;
        try
        {
            var g = new Generator(shape.Length * 7 + shape[1]);
            int c = shape[1];
            var mean = (Tensor.Randn([c], generator: g) * 3).To(dtype);
            var variance = (Tensor.Rand([c], generator: g) * 4).To(dtype);
            Tensor? weight = hasWeight ? Tensor.Randn([c], generator: g).To(dtype) : null;
            Tensor? bias = hasBias ? Tensor.Randn([c], generator: g).To(dtype) : null;
            var x = (Tensor.Randn(shape, generator: g) * 5).To(dtype);
            Tensor fused;
            using (Autograd.NoGrad())
            {
                fused = Functional.BatchNorm(x, mean, variance, weight, bias, eps: 1e-3);
            }
            var composite = Functional.BatchNorm(x.Detach().SetRequiresGrad(), mean, variance, weight, bias, eps: 1e-3);
            Assert.NotNull(composite.GradFn);
            Assert.Null(fused.GradFn);
            Assert.Equal(composite.Shape.ToArray(), fused.Shape.ToArray());
            Assert.Equal(dtype, fused.DType);
            var (a, b) = (composite.ToDoubleArray(), fused.ToDoubleArray());
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(a[i]) == BitConverter.DoubleToInt64Bits(b[i]), $"element {i}: {b[i]:R} against {a[i]:R}");
            }
        }
        finally
        {
            Parallelism.MaxThreads = savedThreads;
        }
    }

    [Fact]
    public void InferenceOfAContiguousViewReadsFromItsOffset()
    {
        // Narrowing dim 0 keeps the view contiguous but starts it inside its storage: the one-pass kernel must read
        // from there, and give what the same values in a tensor of their own give.
        var g = new Generator(11);
        var whole = Tensor.Randn([5, 3, 4, 4], generator: g);
        var view = whole.Narrow(0, 2, 3);
        Assert.True(view.IsContiguous);
        var (mean, variance) = (Tensor.Randn([3], generator: g), Tensor.Rand([3], generator: g) + 0.5);
        var (weight, bias) = (Tensor.Randn([3], generator: g), Tensor.Randn([3], generator: g));
        using (Autograd.NoGrad())
        {
            Check.Close(view.Clone().BatchNormInference(mean, variance, weight, bias), view.BatchNormInference(mean, variance, weight, bias), 0, 0);
        }
    }

    [Theory]
    [InlineData(new[] { 4 }, 4, "expected an input of shape (N, C, *), got [4]")]
    [InlineData(new[] { 2, 3, 5 }, 4, "expected runningMean of shape [3] (one value per channel of the input [2, 3, 5]), got [4]")]
    public void InferenceNamesTheOffendingShape(int[] shape, int statistics, string message)
    {
        var x = Tensor.Zeros(shape);
        var ex = Assert.Throws<ArgumentException>(() => x.BatchNormInference(Tensor.Zeros([statistics]), Tensor.Ones([statistics])));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void EvalUsesAndKeepsRunningStatistics()
    {
        var bn = new BatchNorm1d(2);
        using (Autograd.NoGrad())
        {
            bn.RunningMean!.CopyFromInPlace(Tensor.FromArray(new float[] { 1, -2 }));
            bn.RunningVar!.CopyFromInPlace(Tensor.FromArray(new float[] { 4, 0.25f }));
        }
        bn.Eval();
        var y = bn.Call(Tensor.FromArray(new float[] { 3, -1, 5, -3 }, [2, 2]));
        Check.Close(new[] { 2 / Math.Sqrt(4 + 1e-5), 1 / Math.Sqrt(0.25 + 1e-5), 4 / Math.Sqrt(4 + 1e-5), -1 / Math.Sqrt(0.25 + 1e-5) }, y, 1e-6);
        Assert.Equal(new float[] { 1, -2 }, bn.RunningMean!.ToFloatArray());
        Assert.Equal(0, bn.NumBatchesTracked!.ToArray<long>()[0]);
    }

    [Fact]
    public void FrozenBatchNormKeepsRunningStatisticsAfterTrain()
    {
        var model = new Sequential(new Linear(3, 4, generator: new Generator(1)), new BatchNorm1d(4));
        var bn = (BatchNorm)model[1];
        model.Call(Tensor.Randn([8, 3], generator: new Generator(2))); // one training step moves the statistics
        var mean = bn.RunningMean!.ToFloatArray();
        var variance = bn.RunningVar!.ToFloatArray();
        model.Freeze();
        model.Train();
        Assert.True(bn.IsTraining);
        Assert.True(bn.IsFrozen);
        var x = Tensor.Randn([8, 3], generator: new Generator(3));
        var frozenOut = model.Call(x);
        Assert.Equal(mean, bn.RunningMean!.ToFloatArray());
        Assert.Equal(variance, bn.RunningVar!.ToFloatArray());
        Assert.Equal(1, bn.NumBatchesTracked!.ToArray<long>()[0]);
        // A frozen BatchNorm normalises with the running statistics, exactly as in evaluation mode.
        model.Eval();
        Check.Close(model.Call(x), frozenOut, 0, 0);
        model.Train().Unfreeze();
        model.Call(x);
        Assert.NotEqual(mean, bn.RunningMean!.ToFloatArray());
    }

    [Fact]
    public void RequiresGradFalseAloneStillUpdatesStatistics()
    {
        // PyTorch's requires_grad_(False) does not touch running statistics; only Freeze does.
        var bn = new BatchNorm1d(2);
        bn.RequiresGrad(false);
        bn.Call(Tensor.FromArray(new float[] { 1, 2, 3, 4 }, [2, 2]));
        Check.Close(new[] { 0.2, 0.3 }, bn.RunningMean!, 1e-7);
        Assert.False(bn.Weight!.RequiresGrad);
    }

    [Fact]
    public void WithoutRunningStatisticsBatchStatisticsAreAlwaysUsed()
    {
        var bn = new BatchNorm2d(1, affine: false, trackRunningStats: false);
        Assert.Null(bn.Weight);
        Assert.Null(bn.RunningMean);
        Assert.Empty(bn.StateDict());
        bn.Eval();
        var y = bn.Call(Tensor.FromArray(new float[] { 1, 3 }, [2, 1, 1, 1]));
        Check.Close(new[] { -1 / Math.Sqrt(1 + 1e-5), 1 / Math.Sqrt(1 + 1e-5) }, y, 1e-6);
    }

    [Fact]
    public void GradCheckAndGradGradCheckInTrainingAndEvaluation()
    {
        var bn = new BatchNorm2d(2, dtype: DType.Float64);
        using (Autograd.NoGrad())
        {
            bn.Weight!.CopyFromInPlace(Tensor.FromArray(new[] { 1.5, -0.7 }));
            bn.Bias!.CopyFromInPlace(Tensor.FromArray(new[] { 0.2, 0.1 }));
        }
        var x = Tensor.Randn([3, 2, 2, 2], DType.Float64, new Generator(8), requiresGrad: true);
        Tensor[] inputs = [x, bn.Weight!, bn.Bias!];
        Assert.True(GradCheck.Check(t => bn.Call(t[0]), inputs));
        Assert.True(GradCheck.GradGradCheck(t => bn.Call(t[0]), inputs));
        bn.Eval();
        Assert.True(GradCheck.Check(t => bn.Call(t[0]), inputs));
        Assert.True(GradCheck.GradGradCheck(t => bn.Call(t[0]), inputs));
        var bn1 = new BatchNorm1d(3, dtype: DType.Float64);
        var x1 = Tensor.Randn([4, 3], DType.Float64, new Generator(9), requiresGrad: true);
        Assert.True(GradCheck.GradGradCheck(t => bn1.Call(t[0]), [x1, bn1.Weight!, bn1.Bias!]));
    }

    [Fact]
    public void InputErrors()
    {
        var model = new Sequential().Add("norm", new BatchNorm1d(3));
        var rank = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.Zeros(2, 3, 4, 4)));
        Assert.Contains("norm (BatchNorm1d): expected input of shape (N, 3) or (N, 3, L), got [2, 3, 4, 4]", rank.Message);
        var channels = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.Zeros(2, 5)));
        Assert.Contains("The input has 5 channels; NumFeatures is 3", channels.Message);
        var single = Assert.Throws<ArgumentException>(() => model.Call(Tensor.Zeros(1, 3)));
        Assert.Contains("expected more than 1 value per channel when training, got input size [1, 3]", single.Message);
        Assert.Throws<ModuleInputException>(() => new BatchNorm2d(3).Call(Tensor.Zeros(2, 3, 4)));
        Assert.Equal("BatchNorm2d(4, eps=1E-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm2d(4).ToString());
    }
}
