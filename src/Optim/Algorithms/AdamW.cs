namespace MiniTorch.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, PyTorch's <c>torch.optim.AdamW</c> with the
/// same update rule. The decay shrinks the parameter directly instead of entering the gradient's running averages:
/// <code>
/// θ ← θ(1 − γλ);   then Adam's update without the L2 term
/// </code>
/// The default weight decay is 0.01, as in PyTorch.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>Creates AdamW over one group of parameters.</summary>
    /// <param name="parameters">The tensors to optimize.</param>
    /// <param name="lr">The learning rate γ.</param>
    /// <param name="betas">The running-average coefficients (β₁, β₂), each in [0, 1); default (0.9, 0.999).</param>
    /// <param name="eps">The term ε added to the denominator.</param>
    /// <param name="weightDecay">The decoupled weight decay λ.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(parameters, AdamOptions.Defaults(lr, betas, eps, weightDecay, amsgrad, maximize))
    {
    }

    /// <summary>Creates AdamW over parameter groups; options a group does not set take the values given here.</summary>
    /// <param name="paramGroups">The groups.</param>
    /// <param name="lr">The learning rate γ.</param>
    /// <param name="betas">The running-average coefficients (β₁, β₂), each in [0, 1); default (0.9, 0.999).</param>
    /// <param name="eps">The term ε added to the denominator.</param>
    /// <param name="weightDecay">The decoupled weight decay λ.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public AdamW(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
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
                AdamUpdate.Apply(p, grad, GetOrCreateState(p), group, decoupledWeightDecay: true);
            }
        }
    }
}
