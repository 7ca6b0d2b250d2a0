using MiniTorch.NN;

namespace MiniTorch.Benchmarks.Runner;

/// <summary>The baseline's workloads other than the training steps, written with MiniTorch's API and the same data recipes.</summary>
internal static class Workloads
{
    public const int LinRegSteps = 100;

    public const int ChainLength = 1000;

    /// <summary>Matmul of two random n×n float32 matrices, a fresh output each call, disposed as the baseline disposes it.</summary>
    public static Stats Sgemm(int n)
    {
        var g = new Generator(0);
        var a = Tensor.Randn([n, n], generator: g);
        var b = Tensor.Randn([n, n], generator: g);
        return Timing.Time(() => Tensor.Matmul(a, b).Dispose(), reps: n >= 1024 ? 5 : 7);
    }

    /// <summary>
    /// Seconds per 100-step run of plain SGD on ((X w − y)²).sum(), w reset to zero each run. Data: X ~ N(0,1)
    /// [10000,100], w_true ~ N(0,1), y = X w_true + 0.01·N(0,1); lr 1e-5 (lr·λmax(2XᵀX) ≈ 0.24 &lt; 2, so it converges).
    /// </summary>
    public static Stats LinReg(bool column, out float finalLoss)
    {
        var g = new Generator(0);
        int[] wShape = column ? [100, 1] : [100];
        var x = Tensor.Randn([10000, 100], generator: g);
        var wTrue = Tensor.Randn(wShape, generator: g);
        var y = Tensor.Matmul(x, wTrue) + 0.01 * Tensor.Randn(column ? [10000, 1] : [10000], generator: g);
        var w = Tensor.Zeros(wShape, requiresGrad: true);
        const double lr = 1e-5;
        float last = float.NaN;
        void Run()
        {
            using (Autograd.NoGrad())
            {
                w.ZeroInPlace();
            }
            for (int i = 0; i < LinRegSteps; i++)
            {
                using var scope = TensorScope.Enter(); // the baseline's torch.NewDisposeScope() per step
                var loss = (Tensor.Matmul(x, w) - y).Pow(2).Sum();
                loss.Backward();
                using (Autograd.NoGrad())
                {
                    var grad = w.Grad!;
                    w.SubInPlace(grad * lr);
                    grad.ZeroInPlace();
                }
                if (i == LinRegSteps - 1)
                {
                    last = (float)loss.Item();
                }
            }
        }
        var s = Timing.Time(Run, warmup: 1);
        finalLoss = last;
        return s;
    }

    /// <summary>Per-op seconds of a 1000-op chain (x·1.0001, x+0.001, tanh): forward only, and forward + Sum().Backward().</summary>
    public static (Stats Forward, Stats Full) Chain(int size)
    {
        // Each run in a scope, as the baseline runs each in torch.NewDisposeScope().
        var fwd = Timing.Time(() =>
        {
            using var scope = TensorScope.Enter();
            ChainForward(size);
        });
        var full = Timing.Time(() =>
        {
            using var scope = TensorScope.Enter();
            ChainForward(size).Sum().Backward();
        });
        return (fwd.Per(ChainLength), full.Per(ChainLength));
    }

    /// <summary>The chain's forward pass: from a leaf of ones requiring grad, <see cref="ChainLength"/> ops cycling x·1.0001, x+0.001, tanh(x).</summary>
    public static Tensor ChainForward(int size)
    {
        var t = Tensor.Ones([size], requiresGrad: true);
        for (int i = 0; i < ChainLength; i++)
        {
            t = (i % 3) switch
            {
                0 => t * 1.0001,
                1 => t + 0.001,
                _ => t.Tanh(),
            };
        }
        return t;
    }

    /// <summary>
    /// The baseline's <c>conv2d_fwd_bwd</c>: <c>Conv2d(x, w, b, padding 1).Sum().Backward()</c> with x [n,cin,hw,hw],
    /// w [cout,cin,3,3] and b [cout] ~ N(0,1), all requiring grad, then their gradients zeroed in place; each call in a
    /// scope, as the baseline's in <c>torch.NewDisposeScope()</c>.
    /// </summary>
    public static Stats Conv2dForwardBackward(int n, int cin, int cout, int hw)
    {
        var g = new Generator(0);
        var x = Tensor.Randn([n, cin, hw, hw], generator: g, requiresGrad: true);
        var w = Tensor.Randn([cout, cin, 3, 3], generator: g, requiresGrad: true);
        var b = Tensor.Randn([cout], generator: g, requiresGrad: true);
        return Timing.Time(() =>
        {
            using var scope = TensorScope.Enter();
            Functional.Conv2d(x, w, b, padding: 1).Sum().Backward();
            x.Grad!.ZeroInPlace();
            w.Grad!.ZeroInPlace();
            b.Grad!.ZeroInPlace();
        });
    }

    /// <summary>
    /// The baseline's <c>strided</c> cases, forward only, a fresh output each call (disposed, as the baseline disposes
    /// libtorch's): a sum over the middle dim of c [64,512,256], a contiguous copy of mᵀ, mᵀ + m (m [2048,2048]), and
    /// a last-dim softmax of c; inputs ~ N(0,1).
    /// </summary>
    public static IEnumerable<(string Case, Stats Stats)> Strided()
    {
        var g = new Generator(0);
        var c = Tensor.Randn([64, 512, 256], generator: g);
        var m = Tensor.Randn([2048, 2048], generator: g);
        var mt = m.T;
        var ops = new (string Name, Func<Tensor> F)[]
        {
            ("sum(1) [64,512,256]", () => c.Sum(1)),
            ("T.contiguous() [2048,2048]", () => mt.Contiguous()),
            ("T + x [2048,2048]", () => mt + m),
            ("softmax(-1) [64,512,256]", () => c.Softmax(-1)),
        };
        foreach (var (name, f) in ops)
        {
            yield return (name, Timing.Time(() => f().Dispose()));
        }
    }
}
