using System.Diagnostics;
using MiniTorch;

namespace ForwardVsReverse;

/// <summary>One size of one workload: the Jacobian built both ways, their cost, and that they agree.</summary>
/// <param name="Size">n (inputs of the loss) or m (outputs of the curve).</param>
/// <param name="ReverseSeconds">Best time of the reverse-mode Jacobian (one backward pass per output).</param>
/// <param name="ForwardSeconds">Best time of the forward-mode Jacobian (one forward pass per input).</param>
/// <param name="ReverseAllocatedBytes">Bytes one reverse-mode forward pass allocates: the values, the graph nodes and what they save for backward.</param>
/// <param name="ForwardAllocatedBytes">Bytes one forward-mode pass allocates: the values and their tangents.</param>
/// <param name="MaxDifference">max |J_forward − J_reverse|: both modes compute the same Jacobian.</param>
public sealed record JacobianCost(int Size, double ReverseSeconds, double ForwardSeconds, long ReverseAllocatedBytes, long ForwardAllocatedBytes, double MaxDifference);

/// <summary>Times full Jacobians by reverse and forward mode and measures what one pass of each allocates.</summary>
public static class JacobianTiming
{
    /// <summary>Jacobian of the loss f: Rⁿ → R at a random point, both ways.</summary>
    public static JacobianCost ForLoss(int n, int repeats)
    {
        var x = Tensor.Randn([n], DType.Float64, new Generator(1));
        return Measure(n, Workloads.Loss, x, repeats);
    }

    /// <summary>Jacobian of the curve g: R → Rᵐ at t = 0.5, both ways.</summary>
    public static JacobianCost ForCurve(int m, int repeats)
        => Measure(m, Workloads.Curve(m), Tensor.Full([1], 0.5, DType.Float64), repeats);

    private static JacobianCost Measure(int size, Func<Tensor, Tensor> f, Tensor x, int repeats)
    {
        Tensor reverse = Autograd.Derivatives.Jacobian(f, x, JacobianMode.Reverse);
        Tensor forward = Autograd.Derivatives.Jacobian(f, x, JacobianMode.Forward);
        double difference = (reverse - forward).Abs().Max().Item();
        double reverseSeconds = BestTime(() => Autograd.Derivatives.Jacobian(f, x, JacobianMode.Reverse), repeats);
        double forwardSeconds = BestTime(() => Autograd.Derivatives.Jacobian(f, x, JacobianMode.Forward), repeats);
        long reverseBytes = AllocatedBytes(() =>
        {
            var leaf = x.Detach().SetRequiresGrad();
            return f(leaf);             // records the graph: a node per op and the tensors it saves for backward
        });
        long forwardBytes = AllocatedBytes(() =>
        {
            using (ForwardAD.Enter())
            {
                var dual = ForwardAD.MakeDual(x.Detach(), Tensor.OnesLike(x));
                var (primal, tangent) = ForwardAD.Unpack(f(dual));
                return (primal, tangent);   // each op computed its value and its tangent, no graph
            }
        });
        return new JacobianCost(size, reverseSeconds, forwardSeconds, reverseBytes, forwardBytes, difference);
    }

    private static double BestTime(Action run, int repeats)
    {
        double best = double.PositiveInfinity;
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            run();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>
    /// The managed bytes <paramref name="pass"/> allocates on this thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>:
    /// exact, unlike heap-size differences, which other threads and the JIT disturb). The pass runs once before it is
    /// measured so that JIT compilation and one-time caches are not counted; MiniTorch's buffer pool only reuses arrays
    /// that a TensorScope or Dispose gave back, which these passes never do, so every tensor of the pass is counted.
    /// </summary>
    private static long AllocatedBytes(Func<object> pass)
    {
        GC.KeepAlive(pass());
        long before = GC.GetAllocatedBytesForCurrentThread();
        var kept = pass();
        long after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(kept);
        return after - before;
    }
}
