using System.Diagnostics;
using MiniTorch;

namespace ForwardVsReverse;

/// <summary>One size of one workload: the Jacobian built both ways, their cost, and that they agree.</summary>
/// <param name="Size">n (inputs of the loss) or m (outputs of the curve).</param>
/// <param name="ReverseSeconds">Best time of the reverse-mode Jacobian (one backward pass per output).</param>
/// <param name="ForwardSeconds">Best time of the forward-mode Jacobian (one forward pass per input).</param>
/// <param name="ReverseLiveBytes">Managed memory a reverse pass holds for backward: the recorded graph and its saved tensors.</param>
/// <param name="ForwardLiveBytes">Managed memory a forward-mode pass holds at its end: the output and its tangent.</param>
/// <param name="MaxDifference">max |J_forward − J_reverse|: both modes compute the same Jacobian.</param>
public sealed record JacobianCost(int Size, double ReverseSeconds, double ForwardSeconds, long ReverseLiveBytes, long ForwardLiveBytes, double MaxDifference);

/// <summary>Times full Jacobians by reverse and forward mode and measures what each pass keeps alive.</summary>
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
        Tensor reverse = Autograd.Functional.Jacobian(f, x, JacobianMode.Reverse);
        Tensor forward = Autograd.Functional.Jacobian(f, x, JacobianMode.Forward);
        double difference = (reverse - forward).Abs().Max().Item();
        double reverseSeconds = BestTime(() => Autograd.Functional.Jacobian(f, x, JacobianMode.Reverse), repeats);
        double forwardSeconds = BestTime(() => Autograd.Functional.Jacobian(f, x, JacobianMode.Forward), repeats);
        long reverseBytes = LiveBytes(() =>
        {
            var leaf = x.Detach().SetRequiresGrad();
            return f(leaf);             // the output keeps its graph, and the graph every saved tensor
        });
        long forwardBytes = LiveBytes(() =>
        {
            using (ForwardAD.Enter())
            {
                var dual = ForwardAD.MakeDual(x.Detach(), Tensor.OnesLike(x));
                var (primal, tangent) = ForwardAD.Unpack(f(dual));
                return Tensor.Stack([primal, tangent!]);   // all a forward pass leaves behind
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

    /// <summary>Managed bytes still reachable from what <paramref name="pass"/> returns, after a full collection.</summary>
    private static long LiveBytes(Func<object> pass)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var kept = pass();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(kept);
        return Math.Max(0, after - before);
    }
}
