using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>The worker pool runs every task exactly once, also when several threads start runs at the same time.</summary>
public class ParallelRunnerTests
{
    private sealed class CountingWork(int tasks) : IParallelWork
    {
        public readonly int[] Runs = new int[tasks];

        public void Execute(int index) => Interlocked.Increment(ref Runs[index]);
    }

    [Fact]
    public void EveryTaskRunsOnce_UnderConcurrentCallers()
    {
        var callers = new Thread[4];
        var failures = 0;
        for (int t = 0; t < callers.Length; t++)
        {
            callers[t] = new Thread(() =>
            {
                for (int round = 0; round < 2000; round++)
                {
                    int tasks = 1 + round % 7;
                    var work = new CountingWork(tasks);
                    ParallelRunner.Run(work, tasks, 1 + round % 3);
                    if (Array.Exists(work.Runs, r => r != 1))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            });
            callers[t].Start();
        }
        foreach (var caller in callers)
        {
            caller.Join();
        }
        Assert.Equal(0, failures);
    }

    [Fact]
    public void TaskException_ReachesTheCaller()
    {
        var work = new ThrowingWork();
        var e = Assert.Throws<InvalidOperationException>(() => ParallelRunner.Run(work, 4, 2));
        Assert.Equal("task 2", e.Message);
        // The pool is usable afterwards.
        var counting = new CountingWork(3);
        ParallelRunner.Run(counting, 3, 2);
        Assert.All(counting.Runs, r => Assert.Equal(1, r));
    }

    private sealed class ThrowingWork : IParallelWork
    {
        public void Execute(int index)
        {
            if (index == 2)
            {
                throw new InvalidOperationException("task 2");
            }
        }
    }
}
