using MiniTorch;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace StepRecipe;

/// <summary>
/// The baseline's <c>transformer_adam_step</c>: one pre-LayerNorm block on x ~ N(0,1) [b,t,d]. Attention: one
/// Linear(d,3d) gives q, k, v, viewed [b,t,3,h,d/h] and permuted to [3,b,h,t,d/h]; softmax(q·kᵀ/√(d/h), -1)·v is
/// permuted back, reshaped to [b,t,d] and projected by Linear(d,d); y = x + that. Then out = y + Linear(4d,d)(GELU(
/// Linear(d,4d)(LN(y)))) with the exact (erf) GELU. Loss = MSE(out, target), target ~ N(0,1) [b,t,d]; Adam(lr 1e-3)
/// over the parameters of all six modules. One step = zero grad, forward, backward, step, in a <see cref="TensorScope"/>
/// (the baseline's <c>torch.NewDisposeScope()</c>).
/// </summary>
public sealed class TransformerBlockCase
{
    private readonly LayerNorm _ln1;
    private readonly Linear _qkv;
    private readonly Linear _proj;
    private readonly LayerNorm _ln2;
    private readonly Linear _fc1;
    private readonly Linear _fc2;
    private readonly Adam _optimizer;
    private readonly MseLoss _loss = new();
    private readonly Tensor _x;
    private readonly Tensor _target;
    private readonly int _b;
    private readonly int _t;
    private readonly int _d;
    private readonly int _h;

    public TransformerBlockCase(int b, int t, int d, int h)
    {
        if (d % h != 0)
        {
            throw new ArgumentException($"TransformerBlockCase: d={d} is not a multiple of h={h}.");
        }
        (_b, _t, _d, _h) = (b, t, d, h);
        var g = new Generator(0);
        _ln1 = new LayerNorm(d);
        _qkv = new Linear(d, 3 * d, generator: g);
        _proj = new Linear(d, d, generator: g);
        _ln2 = new LayerNorm(d);
        _fc1 = new Linear(d, 4 * d, generator: g);
        _fc2 = new Linear(4 * d, d, generator: g);
        var parameters = new List<Tensor>();
        foreach (var module in new Module[] { _ln1, _qkv, _proj, _ln2, _fc1, _fc2 })
        {
            parameters.AddRange(module.Parameters());
        }
        _optimizer = new Adam(parameters, lr: 1e-3);
        _x = Tensor.Randn([b, t, d], generator: g);
        _target = Tensor.Randn([b, t, d], generator: g);
    }

    /// <summary>The loss of the last step (read inside its scope).</summary>
    public double LastLoss { get; private set; }

    public void Step()
    {
        using var scope = TensorScope.Enter();
        _optimizer.ZeroGrad();
        var loss = _loss.Call(Forward(_x), _target);
        loss.Backward();
        _optimizer.Step();
        LastLoss = loss.Item();
    }

    private Tensor Forward(Tensor input)
    {
        int dh = _d / _h;
        var qkv = _qkv.Call(_ln1.Call(input)).View(_b, _t, 3, _h, dh).Permute(2, 0, 3, 1, 4); // [3,b,h,t,dh]
        var (q, k, v) = (qkv.Select(0, 0), qkv.Select(0, 1), qkv.Select(0, 2));
        var attention = (q.Matmul(k.Transpose(-2, -1)) * (1.0 / Math.Sqrt(dh))).Softmax(-1);
        var heads = attention.Matmul(v).Permute(0, 2, 1, 3).Reshape(_b, _t, _d);
        var y = input + _proj.Call(heads);
        return y + _fc2.Call(Functional.Gelu(_fc1.Call(_ln2.Call(y))));
    }
}
