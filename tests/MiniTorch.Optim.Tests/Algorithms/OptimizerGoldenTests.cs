using System.Text.Json;
using MiniTorch.Optim.Tests.Support;

namespace MiniTorch.Optim.Tests.Algorithms;

/// <summary>
/// Replays trajectories recorded from PyTorch 1.13 (tools/golden/generate_optim_golden.py): the same starting
/// parameters, the same gradient at every step, and the parameters after every step must agree to ~1e-6
/// relative in float32 and ~1e-12 in float64.
/// </summary>
public class OptimizerGoldenTests
{
    private const string File = "optimizers.json";

    public static TheoryData<string> CaseNames => Golden.Names(File);

    public static TheoryData<string> SgdCaseNames => [.. Golden.Cases(File).Select(c => c.GetProperty("name").GetString()!).Where(n => n.StartsWith("sgd_", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorchTrajectory(string name)
    {
        var dtype = Golden.DTypeOf(Golden.Case(File, name));
        Replay(name, Assertions.RelativeTolerance(dtype), Assertions.AbsoluteTolerance(dtype));
    }

    /// <summary>
    /// SGD involves only multiplies and fused multiply-adds, each correctly rounded, so it must reproduce PyTorch's
    /// CPU results bit for bit on any machine (the other optimizers also call Math.Pow and Math.Sqrt of the
    /// platform's math library, hence the small tolerance above).
    /// </summary>
    [Theory]
    [MemberData(nameof(SgdCaseNames))]
    public void SgdMatchesPyTorchBitForBit(string name) => Replay(name, 0, 0);

    private static void Replay(string name, double rtol, double atol)
    {
        var c = Golden.Case(File, name);
        var dtype = Golden.DTypeOf(c);
        var shapes = c.GetProperty("shapes").EnumerateArray().Select(Golden.Ints).ToArray();
        var initial = c.GetProperty("initial").EnumerateArray().ToArray();
        var parameters = shapes.Select((s, i) => Golden.TensorOf(initial[i], s, dtype).SetRequiresGrad()).ToArray();
        var optimizer = Golden.CreateOptimizer(
            c.GetProperty("optimizer").GetString()!,
            parameters,
            c.GetProperty("options"),
            c.TryGetProperty("groups", out var groups) ? groups : null);
        var scheduler = c.TryGetProperty("scheduler", out var spec) ? Golden.CreateScheduler(spec, optimizer) : null;

        int step = 0;
        foreach (var recorded in c.GetProperty("steps").EnumerateArray())
        {
            optimizer.ZeroGrad();
            var grads = recorded.GetProperty("grads").EnumerateArray().ToArray();
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i].Grad = grads[i].ValueKind == JsonValueKind.Null ? null : Golden.TensorOf(grads[i], shapes[i], dtype);
            }
            optimizer.Step();
            scheduler?.Step();
            var expected = recorded.GetProperty("params").EnumerateArray().ToArray();
            for (int i = 0; i < parameters.Length; i++)
            {
                Assert.Equal(dtype, parameters[i].DType);
                Assertions.Close(Golden.Doubles(expected[i]), parameters[i].ToDoubleArray(), rtol, atol, $"{name}: step {step}, parameter {i},");
            }
            step++;
        }
        Assert.Equal(8, step);
    }

    [Fact]
    public void NullGradientCasesLeaveTheParameterUntouchedOnThoseSteps()
    {
        // The golden data itself must show the skip, or the replay above would not test it.
        var c = Golden.Case(File, "adam_null_grads_float64");
        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(JsonValueKind.Null, steps[0].GetProperty("grads")[1].ValueKind);
        Assert.Equal(Golden.Doubles(c.GetProperty("initial")[1]), Golden.Doubles(steps[0].GetProperty("params")[1]));
        Assert.Equal(Golden.Doubles(steps[2].GetProperty("params")[1]), Golden.Doubles(steps[4].GetProperty("params")[1]));
    }
}
