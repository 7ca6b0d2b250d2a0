namespace MiniTorch.NN.Tests.Layers;

public class EmbeddingTests
{
    [Fact]
    public void LookupAndPaddingGradientMatchPyTorch()
    {
        var c = Golden.Case("layers.json", "embedding");
        var emb = new Embedding(6, 3, paddingIdx: 2, dtype: DType.Float64);
        emb.LoadStateDict(Golden.Params(c));
        var y = emb.Call(Golden.Tensor(c.GetProperty("input"), DType.Int64));
        Check.Close(Golden.Tensor(c, "output"), y, 0, 0, "output");
        y.Backward(Golden.Tensor(c, "grad_output"));
        Check.Close(Golden.Tensor(c.GetProperty("grads"), "weight"), emb.Weight.Grad!, what: "weight grad");
        Assert.All(emb.Weight.Grad!.Select(0, 2).ToDoubleArray(), g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void PaddingRowStartsAtZeroAndShapesFollowTheIndices()
    {
        var emb = new Embedding(5, 4, paddingIdx: -1, generator: new Generator(3));
        Assert.Equal(4, emb.PaddingIdx);
        Assert.All(emb.Weight.Select(0, 4).ToFloatArray(), v => Assert.Equal(0f, v));
        Assert.Equal([2, 3, 4], emb.Call(Tensor.FromArray(new long[] { 0, 1, 2, 3, 4, 0 }, [2, 3])).Shape);
        Assert.Equal([4], emb.Call(Tensor.FromArray(new long[] { 1 }, [])).Shape);
    }

    [Fact]
    public void GradCheckAndGradGradCheckOverTheWeight()
    {
        var emb = new Embedding(4, 2, paddingIdx: 1, dtype: DType.Float64, generator: new Generator(1));
        var idx = Tensor.IndexTensor(3, 1, 0, 3);
        Assert.True(GradCheck.Check(t => emb.Call(idx).Square(), [emb.Weight]));
        Assert.True(GradCheck.GradGradCheck(t => emb.Call(idx).Square(), [emb.Weight]));
    }

    [Fact]
    public void BadIndicesNameTheModuleIndexAndPosition()
    {
        var model = new Sequential().Add("tokens", new Embedding(10, 3));
        var range = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.FromArray(new long[] { 1, 12, 3 })));
        Assert.Equal("tokens (Embedding): index 12 at position [1] is out of range for 10 embeddings (valid indices are 0 to 9).", range.Message);
        // PyTorch refuses float indices ("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int").
        var floats = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.FromArray(new float[] { 1 })));
        Assert.Contains("tokens (Embedding): expected Int64 (or Int32) indices, got torch.float32", floats.Message);
        Assert.Contains("Embedding: expected indices of scalar type Long or Int, but got torch.float32",
            Assert.Throws<ArgumentException>(() => Functional.Embedding(Tensor.FromArray(new float[] { 1 }), Tensor.Zeros(3, 2))).Message);
        Assert.Contains("index -1 at position [0] is out of range",
            Assert.Throws<ArgumentException>(() => Functional.Embedding(Tensor.FromArray(new long[] { -1 }), Tensor.Zeros(3, 2))).Message);
        // Int32 indices are accepted, as PyTorch accepts them.
        var weight = Tensor.FromArray(new[] { 1.0, 2, 3, 4, 5, 6 }, [3, 2]);
        Assert.Equal(new[] { 5.0, 6, 1, 2 }, Functional.Embedding(Tensor.FromArray(new long[] { 2, 0 }).To(DType.Int32), weight).ToDoubleArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(3, 2, paddingIdx: 3));
    }
}
