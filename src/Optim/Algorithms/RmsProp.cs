namespace MiniTorch.Optim;

/// <summary>
/// RMSprop (Hinton), optionally centered and with momentum, weight decay (L2) and maximization: PyTorch's
/// <c>torch.optim.RMSprop</c> with the same update rule. For each parameter θ with gradient g:
/// <code>
/// g ← −g if maximize;  g ← g + λθ if λ ≠ 0
/// v ← αv + (1 − α)g²;   if centered: ḡ ← αḡ + (1 − α)g, and v̄ = v − ḡ², else v̄ = v
/// if μ &gt; 0:  b ← μb + g / (√v̄ + ε);  θ ← θ − γb,   else θ ← θ − γ g / (√v̄ + ε)
/// </code>
/// </summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>Creates RMSprop over one group of parameters.</summary>
    /// <param name="parameters">The tensors to optimize.</param>
    /// <param name="lr">The learning rate γ.</param>
    /// <param name="alpha">The smoothing constant α of the squared-gradient average.</param>
    /// <param name="eps">The term ε added to the denominator.</param>
    /// <param name="weightDecay">The L2 penalty λ.</param>
    /// <param name="momentum">The momentum factor μ.</param>
    /// <param name="centered">Normalize by the estimated variance of the gradient.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public RmsProp(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(parameters, DefaultOptions(lr, alpha, eps, weightDecay, momentum, centered, maximize))
    {
    }

    /// <summary>Creates RMSprop over parameter groups; options a group does not set take the values given here.</summary>
    /// <param name="paramGroups">The groups.</param>
    /// <param name="lr">The learning rate γ.</param>
    /// <param name="alpha">The smoothing constant α of the squared-gradient average.</param>
    /// <param name="eps">The term ε added to the denominator.</param>
    /// <param name="weightDecay">The L2 penalty λ.</param>
    /// <param name="momentum">The momentum factor μ.</param>
    /// <param name="centered">Normalize by the estimated variance of the gradient.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public RmsProp(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(paramGroups, DefaultOptions(lr, alpha, eps, weightDecay, momentum, centered, maximize))
    {
    }

    private static Dictionary<string, double> DefaultOptions(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize) => new()
    {
        [nameof(ParamGroup.Lr)] = lr,
        [nameof(ParamGroup.Alpha)] = alpha,
        [nameof(ParamGroup.Eps)] = eps,
        [nameof(ParamGroup.WeightDecay)] = weightDecay,
        [nameof(ParamGroup.Momentum)] = momentum,
        [nameof(ParamGroup.Centered)] = centered ? 1 : 0,
        [nameof(ParamGroup.Maximize)] = maximize ? 1 : 0,
    };

    /// <inheritdoc />
    protected override void ValidateGroup(ParamGroup group)
    {
        HyperParameters.NonNegative(group.Lr, "learning rate", "lr");
        HyperParameters.NonNegative(group.Eps, "epsilon value", "eps");
        HyperParameters.NonNegative(group.Momentum, "momentum value", "momentum");
        HyperParameters.NonNegative(group.WeightDecay, "weight decay value", "weightDecay");
        HyperParameters.NonNegative(group.Alpha, "alpha value", "alpha");
    }

    /// <inheritdoc />
    protected override void Update(ParamGroup group)
    {
        double lr = group.Lr;
        double alpha = group.Alpha;
        double eps = group.Eps;
        double momentum = group.Momentum;
        bool centered = group.Centered;
        foreach (var p in group.Params)
        {
            if (p.Grad is not { } grad)
            {
                continue;
            }
            var state = GetOrCreateState(p);
            var squareAvg = state.GetOrAddZeros(BufferNames.SquareAvg, p);
            state.Step++;
            var g = DirectionTerms.Gradient(p, grad, group.WeightDecay, group.Maximize);
            squareAvg.MulInPlace(alpha).AddcmulInPlace(g, g, 1 - alpha);
            Tensor avg;
            if (centered)
            {
                var gradAvg = state.GetOrAddZeros(BufferNames.GradAvg, p);
                gradAvg.MulInPlace(alpha).AddInPlace(g, 1 - alpha);
                avg = squareAvg.Clone().AddcmulInPlace(gradAvg, gradAvg, -1).SqrtInPlace();
            }
            else
            {
                avg = squareAvg.Sqrt();
            }
            avg.AddInPlace(eps);
            if (momentum > 0)
            {
                var buffer = state.GetOrAddZeros(BufferNames.MomentumBuffer, p);
                buffer.MulInPlace(momentum).AddcdivInPlace(g, avg);
                p.AddInPlace(buffer, -lr);
            }
            else
            {
                p.AddcdivInPlace(g, avg, -lr);
            }
        }
    }
}
