using System.Diagnostics;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Distributed.TestRunner;

/// <summary>A failure the fault scenarios inject on purpose; the runner does not catch it, so it ends the process.</summary>
internal sealed class FaultInjectedException(string message) : Exception(message);

/// <summary>
/// Training jobs in which one rank fails mid-training: the job as a whole must end (non-zero) rather than leave the
/// other ranks waiting forever in an all-reduce. The tests check the exit code, the time and the process table.
/// </summary>
internal static class FaultScenarios
{
    public static readonly (string Name, Action Run)[] All =
    [
        ("fault.throw", () => TrainAndFail(kill: false)),
        ("fault.kill", () => TrainAndFail(kill: true)),
    ];

    private static void TrainAndFail(bool kill)
    {
        var model = DdpScenarios.Mlp(DType.Float32, 1);
        using var ddp = new DistributedDataParallel(model);
        var optimizer = new Sgd(ddp.Parameters(), lr: 0.1);
        var data = new Generator(Distributed.Rank);
        for (int step = 0; step < 1_000_000; step++)
        {
            if (step == 5 && Distributed.Rank == 1)
            {
                Console.WriteLine($"rank 1 fails at step {step} ({(kill ? "killed" : "throws")})");
                Console.Out.Flush();
                if (kill)
                {
                    Process.GetCurrentProcess().Kill(); // SIGKILL: no handler, no MPI_Abort
                }
                throw new FaultInjectedException("rank 1 fails on purpose in the middle of training");
            }
            optimizer.ZeroGrad();
            Functional.MseLoss(ddp.Call(Tensor.Randn([4, 5], DType.Float32, data)), Tensor.Zeros([4, 3])).Backward();
            optimizer.Step();
        }
        throw new ScenarioFailedException("the other ranks trained on although rank 1 died");
    }
}
