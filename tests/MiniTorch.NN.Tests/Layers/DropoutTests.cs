namespace MiniTorch.NN.Tests.Layers;

public class DropoutTests
{
    [Fact]
    public void TrainingZeroesAboutPAndScalesTheRest()
    {
        var dropout = new Dropout(0.3, new Generator(7));
        var y = dropout.Call(Tensor.Ones(10000)).ToFloatArray();
        int zeros = y.Count(v => v == 0);
        Assert.InRange(zeros, 2800, 3200);
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.7f) < 1e-6, $"value {v}"));
    }

    [Fact]
    public void EvaluationIsTheIdentityAndTheSeedRepeats()
    {
        var x = Tensor.Randn([4, 5], generator: new Generator(1));
        var dropout = new Dropout(0.5, new Generator(9));
        var first = dropout.Call(x).ToFloatArray();
        var again = new Dropout(0.5, new Generator(9)).Call(x).ToFloatArray();
        Assert.Equal(first, again);
        dropout.Eval();
        Assert.Same(x, dropout.Call(x));
        Assert.Same(x, new Dropout(1.0).Eval().Call(x));
        Assert.All(new Dropout(1.0).Call(x).ToFloatArray(), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5));
    }

    [Fact]
    public void GradientFollowsTheMaskAndPassesGradChecks()
    {
        var gen = new Generator(3);
        var dropout = new Dropout(0.4, gen);
        var x = Tensor.Randn([3, 4], DType.Float64, new Generator(4), requiresGrad: true);
        // Re-seeding inside the function gives every evaluation the same mask, so finite differences are meaningful.
        Tensor F(Tensor[] t)
        {
            gen.ManualSeed(11);
            return dropout.Call(t[0]);
        }
        Assert.True(GradCheck.Check(F, [x]));
        Assert.True(GradCheck.GradGradCheck(t => F(t).Square(), [x]));
        var y = F([x]);
        y.Sum().Backward();
        var kept = y.Ne(0).ToDoubleArray();
        var g = x.Grad!.ToDoubleArray();
        for (int i = 0; i < g.Length; i++)
        {
            Assert.Equal(kept[i] / 0.6, g[i], 12);
        }
    }
}
