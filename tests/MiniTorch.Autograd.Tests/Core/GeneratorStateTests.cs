namespace MiniTorch.Tests.Core;

public sealed class GeneratorStateTests
{
    [Fact]
    public void SetStateContinuesTheSameStreamIncludingTheSpareNormal()
    {
        var g = new Generator(42);
        var first = new double[3];
        g.FillNormal(first);   // an odd count leaves a spare Box-Muller sample behind
        byte[] state = g.GetState();
        var expected = new double[5];
        g.FillNormal(expected);
        int expectedInt = g.NextInt(1000);

        var other = new Generator(7).SetState(state);
        var actual = new double[5];
        other.FillNormal(actual);
        Assert.Equal(expected, actual);
        Assert.Equal(expectedInt, other.NextInt(1000));
        Assert.Equal(42, other.InitialSeed);
    }

    [Fact]
    public void BadStatesAreRejected()
    {
        var g = new Generator(1);
        var e = Assert.Throws<ArgumentException>(() => g.SetState(new byte[3]));
        Assert.Contains($"{Generator.StateLength} bytes", e.Message);
        byte[] zeros = new byte[Generator.StateLength];
        zeros[0] = 1;
        e = Assert.Throws<ArgumentException>(() => g.SetState(zeros));
        Assert.Contains("all zero", e.Message);
        byte[] state = g.GetState();
        state[0] = 9;
        e = Assert.Throws<ArgumentException>(() => g.SetState(state));
        Assert.Contains("format 9", e.Message);
    }
}
