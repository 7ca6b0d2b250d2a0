namespace MiniTorch.Plugins.Tests.Validation;

/// <summary>
/// Ops with integer and bool inputs (<see cref="OpDefinition.InputDTypes"/>): such an input receives its declared
/// dtype, a tensor of another dtype is the caller's error naming the op and the input, the definition is checked when
/// added, and OpCheck draws the values from the sample's ranges and checks gradients of the floating inputs only.
/// </summary>
public class IntegerInputTests
{
    /// <summary>out[i] = input[i, target[i]], PyTorch's <c>input.gather(1, target[:, None])[:, 0]</c>; refuses a target that is not Int64.</summary>
    private sealed class Pick(double gradScale = 1) : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var (input, target) = (inputs[0], inputs[1]);
            if (target.DType != DType.Int64)
            {
                throw new InvalidOperationException($"pick: target arrived as {target.DType}");
            }
            long[] t = target.ToArray<long>();
            int classes = input.Shape[1];
            var onehot = new double[t.Length * classes];
            for (int i = 0; i < t.Length; i++)
            {
                onehot[i * classes + (int)t[i]] = 1;
            }
            var mask = Tensor.FromArray(onehot, [t.Length, classes]).To(input.DType);
            ctx.SaveForBackward(mask);
            return (input * mask).Sum(1);
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) =>
            [gradOutput.Unsqueeze(1) * ctx.SavedTensors[0] * gradScale, null];
    }

    /// <summary>input where mask, else 0 (mask is Bool).</summary>
    private sealed class Keep : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var mask = inputs[1].To(inputs[0].DType);
            ctx.SaveForBackward(mask);
            return inputs[0] * mask;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * ctx.SavedTensors[0], null];
    }

    /// <summary>The number of true elements, as an Int64 scalar: an op with no floating input.</summary>
    private sealed class CountTrue : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) =>
            Tensor.FromArray([(long)inputs[0].ToArray<bool>().Count(b => b)], []);

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [null];
    }

    private static OpDefinition PickOp(double gradScale = 1, IReadOnlyDictionary<string, DType>? dtypes = null, OpSample? sample = null) => new()
    {
        Name = "pick",
        Inputs = ["input", "target"],
        InputDTypes = dtypes ?? new Dictionary<string, DType> { ["target"] = DType.Int64 },
        Create = _ => new Pick(gradScale),
        Samples = [sample ?? new OpSample([4, 5], [4]) { IntegerRanges = new Dictionary<string, (long, long)> { ["target"] = (0, 5) } }],
    };

    [Fact]
    public void AnInt64InputReceivesInt64AndTheFloatInputIsGradChecked()
    {
        var report = OpCheck.Run(PickOp());
        Assert.True(report.Passed, report.ToString());
        foreach (var test in new[] { OpCheckTest.Forward, OpCheckTest.GradCheck, OpCheckTest.GradGradCheck, OpCheckTest.Float32 })
        {
            var outcome = Assert.Single(report.Outcomes, o => o.Test == test);
            Assert.False(outcome.NotRun, outcome.ToString());
        }
        // No PartialGradients: only one input is differentiable.
        Assert.DoesNotContain(report.Outcomes, o => o.Test == OpCheckTest.PartialGradients);
    }

    [Fact]
    public void AWrongGradientOfTheFloatInputIsStillCaught()
    {
        var failure = Assert.Single(OpCheck.Run(PickOp(gradScale: 2)).Failures, f => f.Test == OpCheckTest.GradCheck);
        Assert.Contains("Jacobian mismatch for output 0 with respect to input 0", failure.Failure);
    }

    [Fact]
    public void AFloatTensorPassedAsTheInt64InputIsAnErrorNamingTheOpAndInput()
    {
        var registrar = new PluginRegistrar("tests");
        var op = PickOp();
        registrar.AddOp(op);
        var x = Tensor.Randn([2, 3], generator: new Generator(0));
        var e = Assert.Throws<ArgumentException>(() => op.Apply(x, Tensor.FromArray(new float[] { 0, 2 })));
        Assert.Contains("Op 'pick' of plugin 'tests': input 1 'target' is declared Int64 (OpDefinition.InputDTypes) but got a Float32 tensor of shape [2]; convert it with .To(DType.Int64).", e.Message);
        var y = op.Apply(x, Tensor.FromArray([2L, 0L]));
        Assert.Equal(new[] { x.ToArray<float>()[2], x.ToArray<float>()[3] }, y.ToArray<float>());
    }

    [Fact]
    public void ABoolMaskInputIsDrawnAsBooleans()
    {
        var op = new OpDefinition
        {
            Name = "keep",
            Inputs = ["input", "mask"],
            InputDTypes = new Dictionary<string, DType> { ["mask"] = DType.Bool },
            Create = _ => new Keep(),
            Samples = [new OpSample([3, 4], [3, 4])],
        };
        new PluginRegistrar("tests").AddOp(op);
        var report = OpCheck.Run(op);
        Assert.True(report.Passed, report.ToString());
        Assert.Contains(report.Outcomes, o => o is { Test: OpCheckTest.GradCheck, NotRun: false });
        var e = Assert.Throws<ArgumentException>(() => op.Apply(Tensor.Zeros(2), Tensor.FromArray([1L, 0L])));
        Assert.Contains("input 1 'mask' is declared Bool (OpDefinition.InputDTypes) but got a Int64 tensor", e.Message);
    }

    [Fact]
    public void AnOpWithoutAFloatingInputSkipsTheGradientChecks()
    {
        var op = new OpDefinition
        {
            Name = "count_true",
            Inputs = ["mask"],
            InputDTypes = new Dictionary<string, DType> { ["mask"] = DType.Bool },
            Create = _ => new CountTrue(),
            Samples = [new OpSample([6])],
        };
        new PluginRegistrar("tests").AddOp(op);
        var report = OpCheck.Run(op);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal([OpCheckTest.Forward, OpCheckTest.NoGrad, OpCheckTest.GradientShapes, OpCheckTest.GradCheck, OpCheckTest.GradGradCheck], report.Outcomes.Select(o => o.Test));
        var skipped = report.Outcomes.Single(o => o.Test == OpCheckTest.GradCheck);
        Assert.True(skipped.NotRun);
        Assert.Equal("not run: the op has no floating input to differentiate ('mask' is Bool).", skipped.Detail);
    }

    [Fact]
    public void TheDefinitionIsCheckedWhenAdded()
    {
        string Fails(OpDefinition op) => Assert.Throws<ArgumentException>(() => new PluginRegistrar("tests").AddOp(op)).Message;
        Assert.Contains("Op 'pick': InputDTypes names 'labels', which is not one of its inputs (input, target)",
            Fails(PickOp(dtypes: new Dictionary<string, DType> { ["labels"] = DType.Int64 })));
        Assert.Contains("Op 'pick': input 'target' is declared Float64; InputDTypes lists integer and bool inputs only",
            Fails(PickOp(dtypes: new Dictionary<string, DType> { ["target"] = DType.Float64 })));
        Assert.Contains("Op 'pick': sample 0 gives no IntegerRanges entry for input 'target', declared Int64",
            Fails(PickOp(sample: new OpSample([4, 5], [4]))));
        Assert.Contains("Op 'pick': sample 0 has the integer range [3, 3) for input 'target'; it must be non-empty",
            Fails(PickOp(sample: new OpSample([4, 5], [4]) { IntegerRanges = new Dictionary<string, (long, long)> { ["target"] = (3, 3) } })));
        Assert.Contains("Op 'pick': sample 0 marks input 'target' as differentiable, but it is declared Int64",
            Fails(PickOp(sample: new OpSample([4, 5], [4]) { IntegerRanges = new Dictionary<string, (long, long)> { ["target"] = (0, 5) }, Differentiable = [true, true] })));
        Assert.Contains("Op 'pick': sample 0 gives an integer range for 'input', which is not an input the op declares integer",
            Fails(PickOp(sample: new OpSample([4, 5], [4]) { IntegerRanges = new Dictionary<string, (long, long)> { ["target"] = (0, 5), ["input"] = (0, 1) } })));
        var int32 = PickOp(dtypes: new Dictionary<string, DType> { ["target"] = DType.Int32 }, sample: new OpSample([4, 5], [4]) { IntegerRanges = new Dictionary<string, (long, long)> { ["target"] = (0, 1L << 40) } });
        Assert.Contains("[0, 1099511627776) for input 'target'; it must be non-empty (Low < High) and within Int32", Fails(int32));
    }
}
