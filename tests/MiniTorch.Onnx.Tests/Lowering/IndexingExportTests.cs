using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Lowering;

/// <summary>Gather, scatter and index ops with index tensors fixed in the graph and with index tensors as graph inputs.</summary>
public class IndexingExportTests
{
    private static Tensor Input(int batch) => RoundTrip.Randn(batch, batch, 5);

    [Fact]
    public void IndexSelectWithAFixedIndex()
    {
        var index = Tensor.IndexTensor(4, 0, 0, 2);
        var model = RoundTrip.Check(x => x.IndexSelect(1, index), Input);
        Assert.Contains("Gather", RoundTrip.OpTypes(model));
    }

    [Fact]
    public void IndexSelectAlongTheBatchWithAScalarIndex()
    {
        RoundTrip.Check(x => x.IndexSelect(0, Tensor.FromArray([0L], [])), Input);
    }

    [Fact]
    public void GatherWithIndicesComputedFromTheInput()
    {
        // The index is data: ArgMax of the input, kept as a graph value, so it changes with every input.
        var model = RoundTrip.Check(x => x.Gather(1, x.ArgMax(1, keepDim: true)), Input);
        Assert.Contains("GatherElements", RoundTrip.OpTypes(model));
    }

    [Fact]
    public void ScatterAddAccumulatesRepeatedIndices()
    {
        // Three sources per row land on the same position (the row's smallest |x|), so they must add up.
        var model = RoundTrip.Check(x => (x * 0).ScatterAdd(1, x.Abs().ArgMin(1, keepDim: true).Expand(-1, 3).Clone(), x.Narrow(1, 0, 3)), Input);
        Assert.Contains("ScatterElements", RoundTrip.OpTypes(model));
    }

    [Fact]
    public void IndexAddIntoABatchedTensor()
    {
        var index = Tensor.IndexTensor(1, 1, 3);
        var model = RoundTrip.Check(x => x.IndexAdd(1, index, x.Narrow(1, 0, 3) * 10), Input);
        Assert.Contains("ScatterElements", RoundTrip.OpTypes(model));
    }

    [Fact]
    public void IndicesAsASecondGraphInput()
    {
        var table = RoundTrip.Randn(3, 7, 4);
        Func<Tensor[], Tensor[]> f = xs => [table.IndexSelect(0, xs[1]) * xs[0]];
        var model = OnnxExporter.Export(f, [RoundTrip.Randn(1, 3, 4), Tensor.IndexTensor(6, 0, 2)], new OnnxExportOptions { InputNames = ["scale", "ids"] });
        Assert.Equal(["scale", "ids"], model.InputNames);
        OnnxCheck.AssertClose(model, f, [RoundTrip.Randn(2, 5, 4), Tensor.IndexTensor(1, 1, 6, 0, 3)]);
    }

    [Fact]
    public void EmbeddingLooksUpEachIndex()
    {
        var embedding = new Embedding(10, 3, generator: new Generator(4));
        Func<int, Tensor> ids = b => Tensor.FromArray(Enumerable.Range(0, b * 4).Select(i => (long)((i * 7 + b) % 10)).ToArray(), [b, 4]);
        var model = RoundTrip.Check(embedding, ids);
        Assert.Equal(["Cast", "Gather"], RoundTrip.OpTypes(model));
        Assert.Equal("weight", model.Proto.Graph.Initializer.Single().Name);
    }
}
