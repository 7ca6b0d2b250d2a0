namespace MiniTorch.NN;

/// <summary>Mean squared error (x − y)² (PyTorch's <c>nn.MSELoss</c>); input and target must have the same shape.</summary>
public sealed class MseLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public MseLoss(Reduction reduction = Reduction.Mean) : base(reduction)
    {
    }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}

/// <summary>Mean absolute error |x − y| (PyTorch's <c>nn.L1Loss</c>); input and target must have the same shape.</summary>
public sealed class L1Loss : Loss
{
    /// <summary>Creates the loss.</summary>
    public L1Loss(Reduction reduction = Reduction.Mean) : base(reduction)
    {
    }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input, Tensor target) => Functional.L1Loss(input, target, Reduction);
}
