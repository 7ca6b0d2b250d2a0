namespace MiniTorch.NN;

/// <summary>
/// The base of the loss objects (PyTorch's <c>nn.modules.loss._Loss</c>): <c>criterion.Call(output, target)</c> gives
/// the loss. Losses hold no learnable state, so unlike PyTorch's they are not modules: they never appear among a
/// model's children or parameters.
/// </summary>
public abstract class Loss
{
    /// <summary>Creates the loss with a reduction.</summary>
    protected Loss(Reduction reduction)
    {
        if (!Enum.IsDefined(reduction))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"{GetType().Name}: unknown reduction.");
        }
        Reduction = reduction;
    }

    /// <summary>How per-element losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <summary>The loss of <paramref name="input"/> (the model's output) against <paramref name="target"/>.</summary>
    public Tensor Call(Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return Forward(input, target);
    }

    /// <summary>Computes the loss; inputs are non-null.</summary>
    protected abstract Tensor Forward(Tensor input, Tensor target);
}
