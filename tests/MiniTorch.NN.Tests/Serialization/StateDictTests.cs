using MiniTorch.NN.Tests.Modules;

namespace MiniTorch.NN.Tests.Serialization;

public class StateDictTests
{
    [Fact]
    public void HoldsParametersAndPersistentBuffersInOrderSharingStorage()
    {
        var net = new ModuleTests.Net();
        var state = net.StateDict();
        Assert.Equal(
            ["scale", "steps", "backbone.0.weight", "backbone.0.bias", "backbone.2.weight", "backbone.2.bias",
             "backbone.2.running_mean", "backbone.2.running_var", "backbone.2.num_batches_tracked", "head.weight", "head.bias"],
            state.Keys);
        Assert.False(state["head.weight"].RequiresGrad);
        using (Autograd.NoGrad())
        {
            net.Head.Weight.FillInPlace(7);
        }
        Assert.All(state["head.weight"].ToFloatArray(), v => Assert.Equal(7f, v));
    }

    [Fact]
    public void LoadingCopiesValuesIntoTheSameTensors()
    {
        var source = new ModuleTests.Net(new Generator(1));
        var target = new ModuleTests.Net(new Generator(2));
        var weight = target.Head.Weight;
        var x = Tensor.Randn([3, 4], generator: new Generator(3));
        source.Call(x); // moves BatchNorm statistics, so buffers differ too
        var result = target.LoadStateDict(source.StateDict());
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Same(weight, target.Head.Weight);
        source.Eval();
        target.Eval();
        Check.Close(source.Call(x), target.Call(x), 0, 0);
    }

    [Fact]
    public void LoadingConvertsDType()
    {
        var source = new Linear(2, 2, dtype: DType.Float64, generator: new Generator(1));
        var target = new Linear(2, 2, generator: new Generator(2));
        target.LoadStateDict(source.StateDict());
        Assert.Equal(DType.Float32, target.Weight.DType);
        Check.Close(source.Weight, target.Weight, 1e-7, 1e-7);
    }

    [Fact]
    public void StrictLoadingListsEveryProblemAndChangesNothing()
    {
        var model = new Sequential(new Linear(4, 3), new Linear(3, 2));
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToFloatArray());
        var state = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Ones(3, 4),
            ["0.bias"] = Tensor.Ones(5),
            ["1.weight"] = Tensor.Ones(2, 3),
            ["2.weight"] = Tensor.Ones(1),
        };
        var e = Assert.Throws<StateDictException>(() => model.LoadStateDict(state));
        Assert.Equal(["1.bias"], e.MissingKeys);
        Assert.Equal(["2.weight"], e.UnexpectedKeys);
        Assert.Single(e.ShapeMismatches);
        Assert.Contains("Error(s) in loading state_dict for Sequential:", e.Message);
        Assert.Contains("Missing key(s) in state_dict: \"1.bias\".", e.Message);
        Assert.Contains("Unexpected key(s) in state_dict: \"2.weight\".", e.Message);
        Assert.Contains("size mismatch for 0.bias: copying a param with shape [5] from checkpoint, the shape in current model is [3]", e.Message);
        foreach (var (name, values) in before)
        {
            Assert.Equal(values, model.StateDict()[name].ToFloatArray());
        }
    }

    [Fact]
    public void ErrorWithAHundredThousandUnexpectedKeys_ListsTwentyAndCountsTheRest()
    {
        var model = new Sequential(new Linear(2, 2));
        var state = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        for (int i = 0; i < 100_000; i++)
        {
            state[$"extra.{i}"] = Tensor.Zeros(1);
        }
        var e = Assert.Throws<StateDictException>(() => model.LoadStateDict(state));
        Assert.Equal(100_000, e.UnexpectedKeys.Count);
        Assert.Contains("\"extra.19\", … and 99980 more (100000 in all; the exception lists every one).", e.Message);
        Assert.DoesNotContain("extra.20\"", e.Message);
        Assert.True(e.Message.Length < 2000, $"the message has {e.Message.Length} characters");
    }

    [Fact]
    public void NonStrictLoadingReportsButStillRejectsShapeMismatches()
    {
        var model = new Sequential(new Linear(4, 3), new Linear(3, 2));
        var result = model.LoadStateDict(new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Ones(3, 4), ["extra"] = Tensor.Ones(1) }, strict: false);
        Assert.Equal(["0.bias", "1.weight", "1.bias"], result.MissingKeys);
        Assert.Equal(["extra"], result.UnexpectedKeys);
        Assert.All(((Linear)model[0]).Weight.ToFloatArray(), v => Assert.Equal(1f, v));
        var e = Assert.Throws<StateDictException>(() => model.LoadStateDict(new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Ones(4, 3) }, strict: false));
        Assert.Empty(e.MissingKeys);
        Assert.Contains("size mismatch for 0.weight", e.Message);
        var nulls = Assert.Throws<StateDictException>(() => model.LoadStateDict(new Dictionary<string, Tensor> { ["0.weight"] = null! }, strict: false));
        Assert.Contains("0.weight: the state dict holds null", nulls.Message);
    }
}
