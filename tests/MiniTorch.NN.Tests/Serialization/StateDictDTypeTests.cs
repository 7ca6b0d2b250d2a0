namespace MiniTorch.NN.Tests.Serialization;

/// <summary>
/// Loading a state dict whose dtypes differ from the module's converts as PyTorch's <c>load_state_dict</c> does (it
/// copies with <c>param.copy_(input_param)</c>, which casts: a float into an int64 truncates toward zero, a bool into a
/// float gives 1.0/0.0; values checked with torch 1.13), and BatchNorm's Int64 <c>num_batches_tracked</c> loads from
/// older MiniTorch checkpoints, which stored it as a float.
/// </summary>
public class StateDictDTypeTests
{
    [Fact]
    public void AnOldMiniTorchCheckpointWithAFloatCountLoadsIntoTheInt64Buffer()
    {
        using var dir = new TempDirectory();
        string path = dir.File("old.safetensors");
        Safetensors.Save(path, new OrderedDictionary<string, Tensor>
        {
            ["weight"] = Tensor.FromArray(new float[] { 2, 3 }),
            ["bias"] = Tensor.FromArray(new float[] { 0, 1 }),
            ["running_mean"] = Tensor.FromArray(new float[] { 0.5f, -0.5f }),
            ["running_var"] = Tensor.FromArray(new float[] { 1, 4 }),
            ["num_batches_tracked"] = Tensor.Scalar(3.0), // how MiniTorch wrote it before Int64
        });
        Assert.Equal(DType.Float32, Safetensors.Open(path).GetInfo("num_batches_tracked").DType);
        var bn = new BatchNorm1d(2);
        bn.Load(path);
        Assert.Equal(DType.Int64, bn.NumBatchesTracked!.DType);
        Assert.Equal(3L, bn.NumBatchesTracked.ToArray<long>()[0]);
        // Training goes on counting from there, and the cumulative average uses the loaded count.
        var cumulative = new BatchNorm1d(2, momentum: null);
        cumulative.Load(path);
        cumulative.Call(Tensor.FromArray(new float[] { 1, 1, 3, 9 }, [2, 2]));
        Assert.Equal(4L, cumulative.NumBatchesTracked!.ToArray<long>()[0]);
        // running_mean = old + (batch mean - old) / 4: channel 0 (0.5 → 2), channel 1 (-0.5 → 5).
        Assert.Equal(new[] { 0.5f + (2 - 0.5f) / 4, -0.5f + (5 + 0.5f) / 4 }, cumulative.RunningMean!.ToArray<float>());
        // Saved again, the count is I64, as PyTorch writes it.
        string again = dir.File("new.safetensors");
        bn.Save(again);
        Assert.Equal("I64", Safetensors.Open(again).GetInfo("num_batches_tracked").FileDType);
    }

    [Fact]
    public void LoadStateDictConvertsEachValueToTheTargetsDTypeAsCopyDoes()
    {
        var bn = new BatchNorm1d(2);
        bn.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = Tensor.FromArray([4L, -5L]),                         // Int64 into Float32
            ["bias"] = Tensor.FromArray(new[] { true, false }),                // Bool into Float32: 1, 0
            ["running_mean"] = Tensor.FromArray(new double[] { 0.1, 0.2 }),   // Float64 into Float32
            ["running_var"] = Tensor.FromArray(new[] { (Half)1.5, (Half)2 }), // Float16 into Float32
            ["num_batches_tracked"] = Tensor.Scalar(-2.7),                     // float into Int64: truncated to -2
        });
        Assert.Equal(new float[] { 4, -5 }, bn.Weight!.ToArray<float>());
        Assert.Equal(new float[] { 1, 0 }, bn.Bias!.ToArray<float>());
        Assert.Equal(new[] { 0.1f, 0.2f }, bn.RunningMean!.ToArray<float>());
        Assert.Equal(new[] { 1.5f, 2f }, bn.RunningVar!.ToArray<float>());
        Assert.Equal(DType.Int64, bn.NumBatchesTracked!.DType);
        Assert.Equal(-2L, bn.NumBatchesTracked.ToArray<long>()[0]);
    }
}
