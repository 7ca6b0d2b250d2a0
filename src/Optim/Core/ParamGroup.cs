using System.Globalization;

namespace MiniTorch.Optim;

/// <summary>
/// A set of parameters optimized with the same hyper-parameters: one entry of PyTorch's
/// <c>optimizer.param_groups</c>. Options missing from a group are filled in from the optimizer's defaults
/// when the group is added, so a group only names what differs, e.g. a smaller learning rate for a backbone:
/// <code>
/// var opt = new Sgd([new ParamGroup(backbone), new ParamGroup(head) { Lr = 1e-2 }], lr: 1e-3, momentum: 0.9);
/// </code>
/// </summary>
/// <remarks>
/// Every option is a number, so a group (and an optimizer's state dict) is plain data; on/off options such as
/// <see cref="Nesterov"/> are stored as 1 or 0. The typed properties read and write the options by name; the
/// indexer reaches options of custom optimizers.
/// </remarks>
public sealed class ParamGroup
{
    private readonly List<Tensor> _params;
    private readonly Dictionary<string, double> _options = new(StringComparer.Ordinal);

    /// <summary>Creates a group of <paramref name="parameters"/> with no options set yet.</summary>
    public ParamGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _params = [.. parameters];
    }

    /// <summary>The parameters of this group, in the order given.</summary>
    public IReadOnlyList<Tensor> Params => _params;

    /// <summary>The options set on this group, by name (<c>"Lr"</c>, <c>"Momentum"</c>, …).</summary>
    public IReadOnlyDictionary<string, double> Options => _options;

    /// <summary>An option by name; reading one that is not set throws <see cref="KeyNotFoundException"/>.</summary>
    public double this[string option]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(option);
            if (!_options.TryGetValue(option, out double value))
            {
                var known = _options.Count == 0 ? "none" : string.Join(", ", _options.Keys);
                throw new KeyNotFoundException(
                    $"ParamGroup has no option '{option}' (options set: {known}). Options missing from a group are filled in from the optimizer's defaults when the group is added to an optimizer.");
            }
            return value;
        }
        set
        {
            ArgumentNullException.ThrowIfNull(option);
            _options[option] = value;
        }
    }

    /// <summary>Whether the option is set on this group.</summary>
    public bool HasOption(string option) => _options.ContainsKey(option);

    /// <summary>The learning rate (PyTorch's <c>lr</c>).</summary>
    public double Lr { get => this[nameof(Lr)]; set => this[nameof(Lr)] = value; }

    /// <summary>The learning rate the group had when the first scheduler was attached (PyTorch's <c>initial_lr</c>).</summary>
    public double InitialLr { get => this[nameof(InitialLr)]; set => this[nameof(InitialLr)] = value; }

    /// <summary>The weight decay (an L2 penalty, or decoupled decay in <see cref="AdamW"/>).</summary>
    public double WeightDecay { get => this[nameof(WeightDecay)]; set => this[nameof(WeightDecay)] = value; }

    /// <summary>The momentum factor of <see cref="Sgd"/> and <see cref="RmsProp"/>.</summary>
    public double Momentum { get => this[nameof(Momentum)]; set => this[nameof(Momentum)] = value; }

    /// <summary>The dampening of <see cref="Sgd"/>'s momentum.</summary>
    public double Dampening { get => this[nameof(Dampening)]; set => this[nameof(Dampening)] = value; }

    /// <summary>Whether <see cref="Sgd"/> uses Nesterov momentum.</summary>
    public bool Nesterov { get => Flag(nameof(Nesterov)); set => this[nameof(Nesterov)] = value ? 1 : 0; }

    /// <summary>Whether the optimizer maximizes the objective instead of minimizing it.</summary>
    public bool Maximize { get => Flag(nameof(Maximize)); set => this[nameof(Maximize)] = value ? 1 : 0; }

    /// <summary>The coefficients of the running averages of the gradient and its square (Adam's β₁, β₂).</summary>
    public (double Beta1, double Beta2) Betas
    {
        get => (this["Beta1"], this["Beta2"]);
        set
        {
            this["Beta1"] = value.Beta1;
            this["Beta2"] = value.Beta2;
        }
    }

    /// <summary>The term added to the denominator for numerical stability.</summary>
    public double Eps { get => this[nameof(Eps)]; set => this[nameof(Eps)] = value; }

    /// <summary>Whether Adam/AdamW use the AMSGrad variant.</summary>
    public bool Amsgrad { get => Flag(nameof(Amsgrad)); set => this[nameof(Amsgrad)] = value ? 1 : 0; }

    /// <summary>The smoothing constant of <see cref="RmsProp"/>'s running average of squared gradients.</summary>
    public double Alpha { get => this[nameof(Alpha)]; set => this[nameof(Alpha)] = value; }

    /// <summary>Whether <see cref="RmsProp"/> normalizes by the estimated variance instead of the second moment.</summary>
    public bool Centered { get => Flag(nameof(Centered)); set => this[nameof(Centered)] = value ? 1 : 0; }

    /// <inheritdoc />
    public override string ToString()
    {
        var options = string.Join(", ", _options.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key}={o.Value}")));
        return $"ParamGroup({_params.Count} parameters; {options})";
    }

    private bool Flag(string option) => this[option] != 0;

    internal void ReplaceOptions(IReadOnlyDictionary<string, double> options)
    {
        _options.Clear();
        foreach (var (key, value) in options)
        {
            _options[key] = value;
        }
    }
}
