using MiniTorch.OpDatabase;

namespace MiniTorch.Tests.TableDriven;

/// <summary>
/// Every differentiable row of the op table, on each of its samples (broadcast shapes, transposed and sliced views,
/// 0-d and size-1 dims): float64 gradients against central differences (PyTorch's gradcheck), and second
/// derivatives the same way where the row supports double backward (gradgradcheck).
/// </summary>
public class OpGradientTests
{
    public static TheoryData<string, int> FirstOrder() =>
        OpCases.Where((op, s) => op.SupportsBackward && OpCases.FiniteDifferences(s));

    public static TheoryData<string, int> SecondOrder() =>
        OpCases.Where((op, s) => op.SupportsBackward && op.SupportsDoubleBackward && OpCases.FiniteDifferences(s));

    [Theory]
    [MemberData(nameof(FirstOrder))]
    public void GradientMatchesFiniteDifferences(string op, int sample)
    {
        var (info, s) = OpCases.Get(op, sample);
        Assert.True(GradCheck.Check(OpCases.First(info, s), s.MakeInputs(3)));
    }

    [Theory]
    [MemberData(nameof(SecondOrder))]
    public void SecondDerivativesMatchFiniteDifferences(string op, int sample)
    {
        var (info, s) = OpCases.Get(op, sample);
        Assert.True(GradCheck.GradGradCheck(OpCases.First(info, s), s.MakeInputs(3)));
    }

    /// <summary>
    /// Rows that cannot take a strided input. View: MiniTorch refuses every non-contiguous input, where PyTorch accepts
    /// a view whose strides allow it (a transposed [3, 2] viewed as [3, 2, 1], a sliced [2, 3] as [2, 1, 3]).
    /// </summary>
    private static readonly HashSet<string> ContiguousOnly = ["View"];

    [Fact]
    public void EveryDifferentiableRowHasAFiniteDifferenceSampleWithANonContiguousOrBroadcastInput()
    {
        // The table's promise: each op's rules see strided operands or broadcasting, not only fresh contiguous tensors.
        var missing = new List<string>();
        foreach (var op in OpTable.All.Where(o => o.SupportsBackward && o.Api.Count > 0 && !ContiguousOnly.Contains(o.Name)))
        {
            bool covered = op.Samples.Where(OpCases.FiniteDifferences).Any(s =>
            {
                var inputs = s.MakeInputs(3, requiresGrad: false);
                return inputs.Any(t => !t.IsContiguous) || inputs.Select(t => string.Join(",", t.Shape)).Distinct().Count() > 1;
            });
            if (!covered)
            {
                missing.Add(op.Name);
            }
        }
        Assert.True(missing.Count == 0, "rows without a non-contiguous or broadcast sample: " + string.Join(", ", missing));
    }
}
