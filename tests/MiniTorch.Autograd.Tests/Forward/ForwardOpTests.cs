namespace MiniTorch.Tests.Forward;

/// <summary>Every op of <see cref="ForwardOpCases"/>: its JVP rule matches finite differences, and forward mode's Jacobian equals reverse mode's.</summary>
public class ForwardOpTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in ForwardOpCases.All)
        {
            data.Add(c.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void JvpMatchesFiniteDifferences(string name)
    {
        var c = Find(name);
        Assert.True(GradCheck.CheckForward(c.Function, c.Inputs(new Generator(7))));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ForwardAndReverseModeAgree(string name)
    {
        var c = Find(name);
        Assert.True(GradCheck.CheckForwardReverseAgree(c.Function, c.Inputs(new Generator(11))));
    }

    [Fact]
    public void CaseNamesAreUnique()
    {
        var names = new HashSet<string>();
        foreach (var c in ForwardOpCases.All)
        {
            Assert.True(names.Add(c.Name), $"duplicate case {c.Name}");
        }
    }

    private static ForwardOpCases.Case Find(string name) => Array.Find(ForwardOpCases.All, c => c.Name == name)!;
}
