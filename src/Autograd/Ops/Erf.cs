using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    private const double TwoOverSqrtPi = 1.1283791670955125738961589031215451716881012586580;

    /// <summary>
    /// The Gauss error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt elementwise (PyTorch's <c>torch.erf</c>), used by
    /// the exact GELU. Its derivative 2/√π · e^(−x²) is written with tensor ops, so it can be differentiated again.
    /// </summary>
    public Tensor Erf()
    {
        var x = DTypeCheck.PromoteToFloating("Erf", this);
        return ErfDefinition.Record(Elementwise.Map(x, new ErfOp()), [x]);
    }

    private static readonly OpDefinition<NoArgs> ErfDefinition =
        UnaryDefinitions.SavingInput("Erf", "ErfBackward", static (g, x) => g * (x * x).Neg().Exp() * TwoOverSqrtPi);
}
