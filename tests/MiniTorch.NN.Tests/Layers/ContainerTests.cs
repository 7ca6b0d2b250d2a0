namespace MiniTorch.NN.Tests.Layers;

public class ContainerTests
{
    [Fact]
    public void SequentialRunsInOrderAndIsIndexable()
    {
        var seq = new Sequential(new Linear(4, 3, generator: new Generator(1)), new Relu(), new Linear(3, 2, generator: new Generator(2)));
        Assert.Equal(3, seq.Count);
        Assert.IsType<Relu>(seq[1]);
        Assert.IsType<Linear>(seq[^1]);
        var x = Tensor.Randn([5, 4], generator: new Generator(3));
        var expected = seq[2].Call(seq[1].Call(seq[0].Call(x)));
        Check.Close(expected, seq.Call(x), 0, 0);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], seq.NamedParameters().Select(p => p.Name));
        Assert.Throws<ArgumentOutOfRangeException>(() => seq[3]);
        Assert.Equal(3, seq.Count());
    }

    [Fact]
    public void AModuleAddedTwiceRunsTwiceButIsListedOnce()
    {
        var linear = new Linear(2, 2, generator: new Generator(1));
        var seq = new Sequential(linear, linear);
        var x = Tensor.Randn([1, 2], generator: new Generator(2));
        Check.Close(linear.Call(linear.Call(x)), seq.Call(x), 0, 0);
        Assert.Equal(2, seq.Count);
        Assert.Single(seq.Children());
        Assert.Equal(2, seq.Parameters().Count);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], seq.StateDict().Keys);
    }

    [Fact]
    public void FlattenAndIdentity()
    {
        var x = Tensor.Zeros(2, 3, 4, 5);
        Assert.Equal([2, 60], new Flatten().Call(x).Shape);
        Assert.Equal([2, 12, 5], new Flatten(1, 2).Call(x).Shape);
        Assert.Same(x, new Identity().Call(x));
        var e = Assert.Throws<ModuleInputException>(() => new Flatten(2).Call(Tensor.Zeros(3, 4)));
        Assert.Contains("Flatten: dim=2 needs an input with at least 3 dimensions, got shape [3, 4]", e.Message);
        var order = Assert.Throws<ModuleInputException>(() => new Flatten(2, 1).Call(x));
        Assert.Contains("StartDim=2 comes no later than EndDim=1", order.Message);
    }

    [Fact]
    public void PrintsLikePyTorch()
    {
        var model = new Sequential().Add("features", new Sequential(new Conv2d(1, 4, 3), new Relu())).Add("head", new Linear(4, 2));
        string expected = """
            Sequential(
              (features): Sequential(
                (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1))
                (1): ReLU()
              )
              (head): Linear(in_features=4, out_features=2, bias=True)
            )
            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), model.ToString());
    }
}
