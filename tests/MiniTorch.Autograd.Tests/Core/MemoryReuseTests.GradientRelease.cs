namespace MiniTorch.Tests.Core;

/// <summary>
/// The backward pass gives consumed intermediate gradients back to the pool at once (GradientRelease). Each case
/// keeps a gradient that user code can reach (a hook's argument, a retained or returned gradient, a view, a custom
/// Function's argument), runs more passes that rent arrays of the same length (so a released array would be handed
/// out again and overwritten), and compares every value with the same run without reuse: an early release shows as a
/// changed value or as a read of a disposed tensor.
/// </summary>
public partial class MemoryReuseTests
{
    private const int N = 64; // [64, 64] float32: 16 KiB, above MemoryReuse.MinTrackedBytes

    [Fact]
    public void AGradientCapturedByAHook_IsNotReleased()
    {
        AssertSameWithAndWithoutReuse(w =>
        {
            var h1 = Input(1).Matmul(w).Tanh();
            Tensor? seen = null;
            h1.RegisterHook(g =>
            {
                seen = g;
                return null;
            });
            var h2 = h1.Matmul(w).Sigmoid();
            (h2 * h2).Sum().Backward();
            Churn(w);
            return [seen!, w.Grad!];
        });
    }

    [Fact]
    public void AHookThatReplacesTheGradient_KeepsBothTheOriginalAndTheReplacement()
    {
        AssertSameWithAndWithoutReuse(w =>
        {
            var h1 = Input(2).Matmul(w).Tanh();
            Tensor? original = null;
            Tensor? replacement = null;
            h1.RegisterHook(g =>
            {
                original = g;
                replacement = g * 2;
                return replacement;
            });
            (h1.Matmul(w).Sigmoid() * 3).Sum().Backward();
            Churn(w);
            return [original!, replacement!, w.Grad!];
        });
    }

    [Fact]
    public void ARetainedGradient_IsNotReleased()
    {
        AssertSameWithAndWithoutReuse(w =>
        {
            var h1 = Input(3).Matmul(w);
            h1.RetainGrad();
            var h2 = h1.Tanh();
            h2.RetainGrad();
            (h2.Matmul(w).Relu() * h2).Sum().Backward();
            Churn(w);
            return [h1.Grad!, h2.Grad!, w.Grad!];
        });
    }

    [Fact]
    public void CreateGraphDoubleBackward_KeepsTheFirstGradientsItsGraphSaved()
    {
        AssertSameWithAndWithoutReuse(w =>
        {
            var y = Input(4).Matmul(w).Tanh().Matmul(w).Pow(2).Sum();
            var gw = Autograd.Grad([y], [w], createGraph: true)[0]!;
            Churn(w);
            (gw * gw).Sum().Backward();
            var afterSecond = w.Grad!.Clone();
            Churn(w);
            return [gw, afterSecond, w.Grad!];
        });
    }

    [Fact]
    public void AutogradGradOutputs_AreNotReleased_EvenWhenTheirGradientFlowsOn()
    {
        AssertSameWithAndWithoutReuse(w =>
        {
            var h1 = Input(5).Matmul(w);
            var h2 = h1.Tanh();
            var h3 = h2.Matmul(w).Sigmoid();
            // h2's gradient is both returned and consumed by TanhBackward on its way to h1 and w.
            var grads = Autograd.Grad([(h3 * h3).Sum()], [h2, h1, w]);
            Churn(w);
            return [grads[0]!, grads[1]!, grads[2]!];
        });
    }

    [Fact]
    public void GradientsThroughViews_AndHooksOnViews_AreNotReleased()
    {
        AssertSameWithAndWithoutReuse(w =>
        {
            var flat = Tensor.Randn([N * N], generator: new Generator(6), requiresGrad: true);
            var h1 = flat.Reshape(N, N).Matmul(w.T).Tanh();
            var transposed = h1.T;
            var reshaped = h1.Reshape(N * N);
            var narrowed = h1.Narrow(0, 8, 32);
            Tensor? seenT = null;
            Tensor? seenR = null;
            transposed.RegisterHook(g =>
            {
                seenT = g;
                return null;
            });
            reshaped.RegisterHook(g =>
            {
                seenR = g;
                return null;
            });
            var loss = transposed.Matmul(w).Sigmoid().Sum() + (reshaped * reshaped).Sum() + narrowed.Exp().Sum();
            loss.Backward();
            var flatGradView = flat.Grad!.Reshape(N, N).T; // a user view of a leaf's gradient
            Churn(w);
            return [seenT!, seenR!, flat.Grad!, flatGradView, w.Grad!];
        });
    }

    [Fact]
    public void AddsSharedGradient_ReachesEveryBranch()
    {
        AssertSameWithAndWithoutReuse(w =>
        {
            var a = Input(7).Matmul(w);
            var s = a.Tanh() + a.Sigmoid();      // AddBackward hands one gradient to both branches
            var t = s + s;                       // ... and twice to the same node
            var r = t + t.Matmul(w).Relu();      // a residual connection
            var u = r.Reshape(N * N) + r.Reshape(N * N); // views of the shared gradient on both edges
            (u * u).Sum().Backward();
            Churn(w);
            return [w.Grad!];
        });
    }

    [Fact]
    public void CustomFunctionsThatReturnOrKeepTheirGradient_SeeItIntact()
    {
        AssertSameWithAndWithoutReuse(w =>
        {
            var stash = new List<Tensor>();
            var h1 = Input(8).Matmul(w).Tanh();
            var h2 = new PassThrough().Apply(h1);           // returns its incoming gradient unchanged
            var h3 = new Stashing(stash).Apply(h2.Matmul(w)); // keeps its incoming gradient
            var h4 = new PassThrough().Apply(h3.Sigmoid());
            (h4 * h4).Sum().Backward();
            Churn(w);
            return [.. stash, w.Grad!];
        });
    }

    [Fact]
    public void RetainGraph_BackwardTwice_MatchesARunWithoutReuse()
    {
        AssertSameWithAndWithoutReuse(w =>
        {
            var y = (Input(9).Matmul(w).Tanh().Matmul(w).Sigmoid() * 2).Sum();
            y.Backward(retainGraph: true);
            var first = w.Grad!.Clone();
            Churn(w);
            y.Backward();
            Churn(w);
            return [first, w.Grad!];
        });
    }

    [Fact]
    public void IntermediateGradients_AreReleasedDuringBackward_OnlyWhenReuseIsOn()
    {
        var w = Tensor.Randn([N, N], generator: new Generator(10), requiresGrad: true);
        long Released(bool reuse)
        {
            using var settings = new Settings(reuse, MemoryReuse.CollectThresholdBytes);
            long before = MemoryReuse.ReleasedDuringBackwardBytes;
            Input(11).Matmul(w).Tanh().Matmul(w).Relu().Matmul(w).Sum().Backward();
            return MemoryReuse.ReleasedDuringBackwardBytes - before;
        }
        Assert.Equal(0, Released(reuse: false));
        // The gradients of the two inner matrix products' outputs and of both activations: four [64, 64] float arrays
        // at least (the sum's expanded gradient is a view of a 4-byte scalar; the leaves take theirs).
        Assert.True(Released(reuse: true) >= 4 * N * N * sizeof(float), "no intermediate gradient was released");
    }

    [Fact]
    public void InAScope_ReleasedGradientsGoBackToThePoolOnce()
    {
        using var settings = new Settings(reuse: true, MemoryReuse.CollectThresholdBytes);
        BufferPool.Clear();
        var w = Tensor.Randn([N, N], generator: new Generator(12), requiresGrad: true);
        for (int step = 0; step < 3; step++)
        {
            using (TensorScope.Enter())
            {
                var h = Input(13 + step).Matmul(w).Tanh();
                var v = h.T.Matmul(w).T; // transposed products: their gradients are views of formula temporaries
                (v.Sigmoid() * h).Sum().Backward();
            }
        }
        // An array given back both by the pass and by the scope's end would sit twice in the free list.
        var rented = new List<float[]>();
        for (int i = 0; i < 64; i++)
        {
            var a = BufferPool.Rent<float>(N * N);
            Assert.DoesNotContain(rented, r => ReferenceEquals(r, a));
            rented.Add(a);
        }
        BufferPool.Clear();
    }

    /// <summary>Runs <paramref name="scenario"/> with reuse off then on (same seeds), compares every returned tensor's values.</summary>
    private static void AssertSameWithAndWithoutReuse(Func<Tensor, Tensor[]> scenario)
    {
        double[][] Run(bool reuse)
        {
            using var settings = new Settings(reuse, thresholdBytes: 0);
            long before = MemoryReuse.ReleasedDuringBackwardBytes;
            var w = Tensor.Randn([N, N], generator: new Generator(99), requiresGrad: true);
            var kept = scenario(w);
            var values = new double[kept.Length][];
            for (int i = 0; i < kept.Length; i++)
            {
                values[i] = kept[i].ToDoubleArray();
            }
            // Churn itself releases intermediate gradients, so every case runs the mechanism.
            Assert.Equal(reuse, MemoryReuse.ReleasedDuringBackwardBytes > before);
            return values;
        }
        var expected = Run(reuse: false);
        var actual = Run(reuse: true);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    private static Tensor Input(int seed) => Tensor.Randn([N, N], generator: new Generator(seed));

    /// <summary>Backward passes whose gradients have the cases' length, so any array released early is reused and overwritten.</summary>
    private static void Churn(Tensor w)
    {
        var saved = w.Grad;
        for (int i = 0; i < 4; i++)
        {
            w.Grad = null;
            (Tensor.Randn([N, N], generator: new Generator(500 + i)).Matmul(w).Tanh().Matmul(w) * 1.5).Sum().Backward();
            GC.Collect();
        }
        w.Grad = saved;
    }

    private sealed class PassThrough : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0].Clone();

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput];
    }

    private sealed class Stashing(List<Tensor> stash) : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0].Clone();

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            stash.Add(gradOutput);
            return [gradOutput * 0.5];
        }
    }
}
