namespace MiniTorch.Optim;

/// <summary>
/// A snapshot of an optimizer (PyTorch's <c>optimizer.state_dict()</c>): the per-parameter state keyed by the
/// parameter's position across all groups (0, 1, … in group order), and each group's options with the positions
/// of its parameters. It refers to parameters by position, not by object, so it can be loaded into a new
/// optimizer over new tensors of the same shapes.
/// </summary>
public sealed class OptimizerStateDict
{
    /// <summary>Creates a state dict; <see cref="Optimizer.StateDict"/> is the usual way to get one.</summary>
    /// <param name="optimizer">The name of the optimizer that saved it (e.g. <c>Adam</c>).</param>
    /// <param name="state">The state of each parameter that has one, by position.</param>
    /// <param name="paramGroups">The groups, in order.</param>
    public OptimizerStateDict(string optimizer, IReadOnlyDictionary<int, ParamState> state, IReadOnlyList<ParamGroupState> paramGroups)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(paramGroups);
        Optimizer = optimizer;
        State = state;
        ParamGroups = paramGroups;
    }

    /// <summary>The name of the optimizer that saved this state (its <see cref="MiniTorch.Optim.Optimizer.Name"/>).</summary>
    public string Optimizer { get; }

    /// <summary>The state of each parameter that has one, keyed by the parameter's position across all groups.</summary>
    public IReadOnlyDictionary<int, ParamState> State { get; }

    /// <summary>The groups' options and parameter positions, in group order.</summary>
    public IReadOnlyList<ParamGroupState> ParamGroups { get; }
}

/// <summary>One parameter group in an <see cref="OptimizerStateDict"/>: its options and the positions of its parameters.</summary>
public sealed class ParamGroupState
{
    /// <summary>Creates the saved form of a group.</summary>
    /// <param name="options">The group's options by name.</param>
    /// <param name="params">The positions of the group's parameters across all groups.</param>
    public ParamGroupState(IReadOnlyDictionary<string, double> options, IReadOnlyList<int> @params)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(@params);
        Options = options;
        Params = @params;
    }

    /// <summary>The group's options by name.</summary>
    public IReadOnlyDictionary<string, double> Options { get; }

    /// <summary>The positions of the group's parameters across all groups.</summary>
    public IReadOnlyList<int> Params { get; }
}
