namespace MiniTorch.Optim;

public abstract partial class Optimizer
{
    /// <summary>
    /// A snapshot of the optimizer: every parameter's state (copied, so later steps do not change the snapshot)
    /// and every group's options, with parameters identified by position (PyTorch's <c>state_dict()</c>).
    /// </summary>
    public OptimizerStateDict StateDict()
    {
        var state = new Dictionary<int, ParamState>();
        var groups = new List<ParamGroupState>(_groups.Count);
        int position = 0;
        foreach (var group in _groups)
        {
            var positions = new int[group.Params.Count];
            for (int i = 0; i < positions.Length; i++, position++)
            {
                positions[i] = position;
                if (_state.TryGetValue(group.Params[i], out var s))
                {
                    state[position] = s.Clone();
                }
            }
            groups.Add(new ParamGroupState(new Dictionary<string, double>(group.Options, StringComparer.Ordinal), positions));
        }
        return new OptimizerStateDict(Name, state, groups);
    }

    /// <summary>
    /// Restores a snapshot taken by <see cref="StateDict"/>, possibly of another optimizer over other tensors:
    /// groups are matched in order and parameters by position. Group options are replaced by the saved ones,
    /// and the state is copied (converted to each parameter's dtype), so the snapshot can be loaded again.
    /// Nothing is changed unless the whole snapshot is valid.
    /// </summary>
    /// <exception cref="ArgumentException">The snapshot is of another optimizer type, its groups or parameters do not
    /// match this optimizer's, a buffer's shape differs from its parameter's, or an option value is invalid.</exception>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (stateDict.Optimizer != Name)
        {
            throw new ArgumentException($"LoadStateDict: the state dict was saved by a {stateDict.Optimizer} optimizer, but this optimizer is a {Name}.", nameof(stateDict));
        }
        if (stateDict.ParamGroups.Count != _groups.Count)
        {
            throw new ArgumentException(
                $"LoadStateDict: loaded state dict has a different number of parameter groups ({stateDict.ParamGroups.Count}) than this optimizer ({_groups.Count}).", nameof(stateDict));
        }
        var byPosition = new Dictionary<int, Tensor>();
        var options = new List<ParamGroup>(_groups.Count);
        for (int g = 0; g < _groups.Count; g++)
        {
            var saved = stateDict.ParamGroups[g] ?? throw new ArgumentException($"LoadStateDict: parameter group {g} is null.", nameof(stateDict));
            var current = _groups[g];
            if (saved.Params.Count != current.Params.Count)
            {
                throw new ArgumentException(
                    $"LoadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group: group {g} has {saved.Params.Count} parameters in the state dict and {current.Params.Count} here.",
                    nameof(stateDict));
            }
            for (int i = 0; i < saved.Params.Count; i++)
            {
                if (!byPosition.TryAdd(saved.Params[i], current.Params[i]))
                {
                    throw new ArgumentException($"LoadStateDict: parameter position {saved.Params[i]} is listed twice in the state dict's parameter groups.", nameof(stateDict));
                }
            }
            var candidate = new ParamGroup([]);
            candidate.ReplaceOptions(saved.Options);
            foreach (var (option, value) in _defaults)
            {
                if (!candidate.HasOption(option))
                {
                    candidate[option] = value;
                }
            }
            ValidateGroup(candidate);
            options.Add(candidate);
        }
        var state = new Dictionary<Tensor, ParamState>(ReferenceEqualityComparer.Instance);
        foreach (var (position, saved) in stateDict.State)
        {
            if (!byPosition.TryGetValue(position, out var parameter))
            {
                throw new ArgumentException($"LoadStateDict: the state dict has state for parameter position {position}, which none of its parameter groups lists.", nameof(stateDict));
            }
            state[parameter] = CopyForParameter(saved, parameter, position);
        }
        for (int g = 0; g < _groups.Count; g++)
        {
            _groups[g].ReplaceOptions(options[g].Options);
        }
        _state.Clear();
        foreach (var (parameter, s) in state)
        {
            _state[parameter] = s;
        }
    }

    private static ParamState CopyForParameter(ParamState saved, Tensor parameter, int position)
    {
        if (saved is null)
        {
            throw new ArgumentException($"LoadStateDict: the state of parameter {position} is null.", "stateDict");
        }
        if (saved.Step < 0)
        {
            throw new ArgumentException($"LoadStateDict: the state of parameter {position} has a negative step count ({saved.Step}).", "stateDict");
        }
        var copy = new ParamState { Step = saved.Step };
        using var noGrad = Autograd.NoGrad();
        foreach (var (name, buffer) in saved.Buffers)
        {
            if (!buffer.Shape.SequenceEqual(parameter.Shape))
            {
                throw new ArgumentException(
                    $"LoadStateDict: buffer '{name}' of parameter {position} has shape [{string.Join(", ", buffer.Shape)}], but the parameter has shape [{string.Join(", ", parameter.Shape)}].",
                    "stateDict");
            }
            // As PyTorch, state follows the parameter's dtype; a copy keeps the snapshot independent of training.
            var converted = buffer.To(parameter.DType);
            copy.SetBuffer(name, ReferenceEquals(converted, buffer) ? buffer.Clone() : converted);
        }
        return copy;
    }
}
