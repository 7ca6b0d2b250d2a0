namespace MiniTorch.Tests.TableDriven;

/// <summary>
/// Every row with a forward-mode rule, on each finite-difference sample: its JVP matches finite differences, and
/// forward mode's Jacobian equals reverse mode's (each JVP rule is the transpose of the op's backward).
/// </summary>
public class OpForwardModeTests
{
    public static TheoryData<string, int> Cases() =>
        OpCases.Where((op, s) => op.SupportsForwardMode && OpCases.FiniteDifferences(s));

    [Theory]
    [MemberData(nameof(Cases))]
    public void JvpMatchesFiniteDifferences(string op, int sample)
    {
        var (info, s) = OpCases.Get(op, sample);
        Assert.True(GradCheck.CheckForward(OpCases.First(info, s), s.MakeInputs(7)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndReverseModeAgree(string op, int sample)
    {
        var (info, s) = OpCases.Get(op, sample);
        Assert.True(GradCheck.CheckForwardReverseAgree(OpCases.First(info, s), s.MakeInputs(11)));
    }
}
