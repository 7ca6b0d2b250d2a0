using MiniTorch.Optim.Tests.Support;

namespace MiniTorch.Optim.Tests.Schedulers;

/// <summary>
/// Replays learning-rate sequences recorded from PyTorch 1.13: an SGD optimizer with two groups (lr 0.1 and
/// 0.01), the scheduler's rates after construction and after each step must agree to 1e-12 relative.
/// </summary>
public class SchedulerGoldenTests
{
    private const string File = "schedulers.json";

    public static TheoryData<string> CaseNames => Golden.Names(File);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorchLearningRates(string name)
    {
        var c = Golden.Case(File, name);
        var groupLrs = Golden.Doubles(c.GetProperty("groupLrs"));
        var optimizer = new Sgd(
            [new ParamGroup([Tensor.Zeros([1], requiresGrad: true)]), new ParamGroup([Tensor.Zeros([1], requiresGrad: true)]) { Lr = groupLrs[1] }],
            lr: groupLrs[0]);
        var scheduler = Golden.CreateScheduler(c.GetProperty("scheduler"), optimizer);
        var expected = c.GetProperty("lrs").EnumerateArray().Select(Golden.Doubles).ToArray();
        for (int epoch = 0; epoch < expected.Length; epoch++)
        {
            if (epoch > 0)
            {
                optimizer.Step();
                scheduler.Step();
            }
            Assertions.Close(expected[epoch], [.. scheduler.GetLastLr()], 1e-12, 0, $"{name}: epoch {epoch},");
            Assertions.Close(expected[epoch], [.. optimizer.ParamGroups.Select(g => g.Lr)], 1e-12, 0, $"{name}: group lr at epoch {epoch},");
        }
        Assert.Equal(expected.Length - 1, scheduler.LastEpoch);
    }
}
