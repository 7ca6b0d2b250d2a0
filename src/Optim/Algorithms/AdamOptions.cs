namespace MiniTorch.Optim;

/// <summary>The options of <see cref="Adam"/> and <see cref="AdamW"/>: their defaults and PyTorch's checks.</summary>
internal static class AdamOptions
{
    public static Dictionary<string, double> Defaults(double lr, (double Beta1, double Beta2)? betas, double eps, double weightDecay, bool amsgrad, bool maximize)
    {
        var (beta1, beta2) = betas ?? (0.9, 0.999);
        return new()
        {
            [nameof(ParamGroup.Lr)] = lr,
            ["Beta1"] = beta1,
            ["Beta2"] = beta2,
            [nameof(ParamGroup.Eps)] = eps,
            [nameof(ParamGroup.WeightDecay)] = weightDecay,
            [nameof(ParamGroup.Amsgrad)] = amsgrad ? 1 : 0,
            [nameof(ParamGroup.Maximize)] = maximize ? 1 : 0,
        };
    }

    public static void Validate(ParamGroup group)
    {
        HyperParameters.NonNegative(group.Lr, "learning rate", "lr");
        HyperParameters.NonNegative(group.Eps, "epsilon value", "eps");
        var (beta1, beta2) = group.Betas;
        HyperParameters.InUnitInterval(beta1, "beta parameter at index 0", "betas");
        HyperParameters.InUnitInterval(beta2, "beta parameter at index 1", "betas");
        HyperParameters.NonNegative(group.WeightDecay, "weight decay value", "weightDecay");
    }
}
