namespace MiniTorch.Optim;

/// <summary>
/// Adam (Kingma and Ba), with optional AMSGrad, L2 weight decay and maximization: PyTorch's
/// <c>torch.optim.Adam</c> with the same update rule. For each parameter θ with gradient g at step t:
/// <code>
/// g ← −g if maximize;  g ← g + λθ if λ ≠ 0
/// m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²;   v̂ ← max(v̂, v) if amsgrad, else v̂ = v
/// θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
/// </code>
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>Creates Adam over one group of parameters.</summary>
    /// <param name="parameters">The tensors to optimize.</param>
    /// <param name="lr">The learning rate γ.</param>
    /// <param name="betas">The running-average coefficients (β₁, β₂), each in [0, 1); default (0.9, 0.999).</param>
    /// <param name="eps">The term ε added to the denominator.</param>
    /// <param name="weightDecay">The L2 penalty λ (added to the gradient; see <see cref="AdamW"/> for decoupled decay).</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, AdamOptions.Defaults(lr, betas, eps, weightDecay, amsgrad, maximize))
    {
    }

    /// <summary>Creates Adam over parameter groups; options a group does not set take the values given here.</summary>
    /// <param name="paramGroups">The groups.</param>
    /// <param name="lr">The learning rate γ.</param>
    /// <param name="betas">The running-average coefficients (β₁, β₂), each in [0, 1); default (0.9, 0.999).</param>
    /// <param name="eps">The term ε added to the denominator.</param>
    /// <param name="weightDecay">The L2 penalty λ.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(paramGroups, AdamOptions.Defaults(lr, betas, eps, weightDecay, amsgrad, maximize))
    {
    }

    /// <inheritdoc />
    protected override void ValidateGroup(ParamGroup group) => AdamOptions.Validate(group);

    /// <inheritdoc />
    protected override void Update(ParamGroup group)
    {
        foreach (var p in group.Params)
        {
            if (p.Grad is { } grad)
            {
                AdamUpdate.Apply(p, grad, GetOrCreateState(p), group, decoupledWeightDecay: false);
            }
        }
    }
}
