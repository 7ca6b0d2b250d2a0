namespace MiniTorch.Optim;

/// <summary>
/// Stochastic gradient descent, optionally with momentum, dampening, Nesterov momentum, weight decay (L2) and
/// maximization: PyTorch's <c>torch.optim.SGD</c> with the same update rule. For each parameter θ with gradient g:
/// <code>
/// g ← −g if maximize;  g ← g + λθ if λ ≠ 0
/// if μ ≠ 0:  b ← g on the first step, else b ← μb + (1 − τ)g;   g ← g + μb if nesterov, else g ← b
/// θ ← θ − γg
/// </code>
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates SGD over one group of parameters.</summary>
    /// <param name="parameters">The tensors to optimize.</param>
    /// <param name="lr">The learning rate γ (required, as in PyTorch).</param>
    /// <param name="momentum">The momentum factor μ.</param>
    /// <param name="dampening">The dampening τ of momentum.</param>
    /// <param name="weightDecay">The L2 penalty λ.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(parameters, DefaultOptions(lr, momentum, dampening, weightDecay, nesterov, maximize))
    {
    }

    /// <summary>Creates SGD over parameter groups; options a group does not set take the values given here.</summary>
    /// <param name="paramGroups">The groups.</param>
    /// <param name="lr">The learning rate γ (required, as in PyTorch).</param>
    /// <param name="momentum">The momentum factor μ.</param>
    /// <param name="dampening">The dampening τ of momentum.</param>
    /// <param name="weightDecay">The L2 penalty λ.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Sgd(IEnumerable<ParamGroup> paramGroups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(paramGroups, DefaultOptions(lr, momentum, dampening, weightDecay, nesterov, maximize))
    {
    }

    private static Dictionary<string, double> DefaultOptions(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize) => new()
    {
        [nameof(ParamGroup.Lr)] = lr,
        [nameof(ParamGroup.Momentum)] = momentum,
        [nameof(ParamGroup.Dampening)] = dampening,
        [nameof(ParamGroup.WeightDecay)] = weightDecay,
        [nameof(ParamGroup.Nesterov)] = nesterov ? 1 : 0,
        [nameof(ParamGroup.Maximize)] = maximize ? 1 : 0,
    };

    /// <inheritdoc />
    protected override void ValidateGroup(ParamGroup group)
    {
        HyperParameters.NonNegative(group.Lr, "learning rate", "lr");
        HyperParameters.NonNegative(group.Momentum, "momentum value", "momentum");
        HyperParameters.Finite(group.Dampening, "dampening value", "dampening");
        HyperParameters.NonNegative(group.WeightDecay, "weight decay value", "weightDecay");
        if (group.Nesterov && (group.Momentum <= 0 || group.Dampening != 0))
        {
            throw new ArgumentException(
                HyperParameters.Invariant($"Nesterov momentum requires a momentum and zero dampening (got momentum {group.Momentum}, dampening {group.Dampening})."), "nesterov");
        }
    }

    /// <inheritdoc />
    protected override void Update(ParamGroup group)
    {
        double lr = group.Lr;
        double momentum = group.Momentum;
        double dampening = group.Dampening;
        double weightDecay = group.WeightDecay;
        bool nesterov = group.Nesterov;
        bool maximize = group.Maximize;
        foreach (var p in group.Params)
        {
            if (p.Grad is not { } grad)
            {
                continue;
            }
            var d = DirectionTerms.Gradient(p, grad, weightDecay, maximize);
            if (momentum != 0)
            {
                var state = GetOrCreateState(p);
                if (!state.TryGetBuffer(BufferNames.MomentumBuffer, out var buffer))
                {
                    // The first step starts the buffer at the gradient itself, undampened (PyTorch's clone of d_p).
                    buffer = d.Clone();
                    state.SetBuffer(BufferNames.MomentumBuffer, buffer);
                }
                else
                {
                    buffer.MulInPlace(momentum).AddInPlace(d, 1 - dampening);
                }
                if (nesterov)
                {
                    d = DirectionTerms.Owned(d, grad).AddInPlace(buffer, momentum);
                }
                else
                {
                    d = buffer;
                }
            }
            p.AddInPlace(d, -lr);
        }
    }
}
