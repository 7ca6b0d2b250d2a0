namespace MiniTorch.Optim;

/// <summary>
/// The base of every optimizer (PyTorch's <c>torch.optim.Optimizer</c>): parameter groups with their
/// hyper-parameters, per-parameter state, <see cref="ZeroGrad"/>, <see cref="Step"/> and a state dict that
/// lets training resume exactly.
/// </summary>
/// <remarks>
/// A subclass passes its default options to the base constructor and implements <see cref="ValidateGroup"/>
/// (called while the base constructor runs, so it must only read the group it is given) and
/// <see cref="Update"/>, which runs under <see cref="Autograd.NoGrad"/> and must skip parameters whose
/// <see cref="Tensor.Grad"/> is null, creating state only for parameters it updates.
/// </remarks>
public abstract partial class Optimizer
{
    private readonly List<ParamGroup> _groups = [];
    private readonly Dictionary<Tensor, ParamState> _state = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, double> _defaults;

    // The built-in algorithms (Sgd, Adam, AdamW, RmsProp) are sealed and audited to keep no reference to a gradient (nor
    // a view of one) after Update, so Step reads gradients inside Autograd.BorrowGradients for them only. A built-in
    // that keeps a gradient (an LBFGS's previous gradient, say) must not be sealed, or must copy it.
    private readonly bool _updateKeepsNoGradient;

    /// <summary>Creates an optimizer of one group holding <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The tensors to optimize: leaves, each listed once.</param>
    /// <param name="defaults">Every option of this optimizer with its value for groups that do not set it.</param>
    protected Optimizer(IEnumerable<Tensor> parameters, IReadOnlyDictionary<string, double> defaults)
        : this([new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], defaults)
    {
    }

    /// <summary>Creates an optimizer of several groups, each with its own options (missing ones taken from <paramref name="defaults"/>).</summary>
    /// <param name="paramGroups">The groups; no parameter may appear twice.</param>
    /// <param name="defaults">Every option of this optimizer with its value for groups that do not set it.</param>
    protected Optimizer(IEnumerable<ParamGroup> paramGroups, IReadOnlyDictionary<string, double> defaults)
    {
        ArgumentNullException.ThrowIfNull(paramGroups);
        ArgumentNullException.ThrowIfNull(defaults);
        _updateKeepsNoGradient = GetType().Assembly == typeof(Optimizer).Assembly && GetType().IsSealed;
        _defaults = new Dictionary<string, double>(defaults, StringComparer.Ordinal);
        // The defaults are checked as a group of their own, so a bad default fails even if every group overrides it.
        var defaultsGroup = new ParamGroup([]);
        defaultsGroup.ReplaceOptions(_defaults);
        ValidateGroup(defaultsGroup);
        var groups = paramGroups.ToList();
        if (groups.Count == 0)
        {
            throw new ArgumentException("optimizer got an empty parameter list: pass at least one parameter group.", nameof(paramGroups));
        }
        foreach (var group in groups)
        {
            AddParamGroup(group);
        }
    }

    /// <summary>The parameter groups, in the order they were added.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>The options and their default values (PyTorch's <c>optimizer.defaults</c>).</summary>
    public IReadOnlyDictionary<string, double> Defaults => _defaults;

    /// <summary>The optimizer's name as recorded in its state dict (the class name, e.g. <c>Adam</c>).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>
    /// Adds a group of parameters, e.g. layers unfrozen during fine-tuning (PyTorch's <c>add_param_group</c>).
    /// The optimizer keeps its own copy of the group: options it does not set are taken from <see cref="Defaults"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The group is empty, holds a null or non-leaf tensor, repeats a parameter,
    /// shares one with another group, sets an option this optimizer does not have, or has an invalid option value.</exception>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.Params.Count == 0)
        {
            throw new ArgumentException("optimizer got an empty parameter list: the parameter group holds no tensors.", nameof(group));
        }
        var seen = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < group.Params.Count; i++)
        {
            var p = group.Params[i];
            if (p is null)
            {
                throw new ArgumentException($"optimizer can only optimize Tensors, but the parameter at index {i} of the group is null.", nameof(group));
            }
            if (!p.IsLeaf)
            {
                throw new ArgumentException(
                    $"can't optimize a non-leaf Tensor: the parameter at index {i} of the group was computed by {p.GradFn!.Name}. Optimize the leaf tensors it was computed from, or Detach() it and set RequiresGrad.",
                    nameof(group));
            }
            if (!seen.TryAdd(p, i))
            {
                throw new ArgumentException($"optimizer contains a parameter group with duplicate parameters: index {i} repeats index {seen[p]}.", nameof(group));
            }
        }
        foreach (var existing in _groups)
        {
            if (existing.Params.Any(seen.ContainsKey))
            {
                throw new ArgumentException("some parameters appear in more than one parameter group.", nameof(group));
            }
        }
        foreach (var option in group.Options.Keys)
        {
            if (!_defaults.ContainsKey(option) && option != nameof(ParamGroup.InitialLr))
            {
                throw new ArgumentException(
                    $"the parameter group sets '{option}', which is not an option of {Name} (options: {string.Join(", ", _defaults.Keys)}).", nameof(group));
            }
        }
        var own = new ParamGroup(group.Params);
        own.ReplaceOptions(group.Options);
        foreach (var (option, value) in _defaults)
        {
            if (!own.HasOption(option))
            {
                own[option] = value;
            }
        }
        ValidateGroup(own);
        _groups.Add(own);
    }

    /// <summary>
    /// Clears the gradients of every parameter: sets them to null by default, as PyTorch 2 does (saves memory, and
    /// a parameter that receives no gradient is then skipped by <see cref="Step"/>), or fills them with zeros. Inside a
    /// <see cref="TensorScope"/>, gradients set to null are disposed when the scope ends (read them before, or keep them
    /// with <see cref="Tensor.DetachFromScope"/>), so a training step that begins with ZeroGrad reuses their memory.
    /// </summary>
    public void ZeroGrad(bool setToNull = true)
    {
        using var noGrad = Autograd.NoGrad();
        // Reads here keep no gradient, so a gradient no user code has read goes back to the pool as it is dropped.
        using var borrow = Autograd.BorrowGradients();
        foreach (var group in _groups)
        {
            foreach (var p in group.Params)
            {
                var grad = p.Grad;
                if (grad is null)
                {
                    continue;
                }
                if (setToNull)
                {
                    p.Grad = null;
                    // Inside a scope the dropped gradient is disposed when the scope ends, so the next backward reuses its memory.
                    TensorScope.Current?.Include(grad);
                    continue;
                }
                if (!grad.IsLeaf)
                {
                    // A gradient recorded with createGraph: drop its history before zeroing, as PyTorch's detach_().
                    grad = grad.Detach();
                    p.Grad = grad;
                }
                else if (grad.RequiresGrad)
                {
                    grad.RequiresGrad = false;
                }
                grad.ZeroInPlace();
            }
        }
    }

    /// <summary>
    /// Performs one optimization step on every parameter that has a gradient. Runs under no-grad, so the
    /// in-place updates of leaf parameters are allowed and record nothing.
    /// </summary>
    /// <param name="closure">Optionally re-evaluates the model and returns the loss; run with grad enabled before the update.</param>
    /// <returns>The closure's loss, or null without a closure.</returns>
    /// <exception cref="ArgumentException">An option of some group was set to an invalid value since it was added.</exception>
    public Tensor? Step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
        {
            using var enableGrad = Autograd.EnableGrad();
            loss = closure();
        }
        // Options may have been changed since the groups were added (by a user or a scheduler): check before touching any state.
        foreach (var group in _groups)
        {
            ValidateGroup(group);
        }
        using (Autograd.NoGrad())
        {
            // The built-in algorithms keep no gradient past their update (a subclass elsewhere might): their reads
            // leave a gradient that user code never read free to go back to the pool at the next ZeroGrad.
            using var borrow = _updateKeepsNoGradient ? Autograd.BorrowGradients() : default;
            foreach (var group in _groups)
            {
                Update(group);
            }
        }
        return loss;
    }

    /// <summary>The state of a parameter, or null if it has none yet (it has not been updated).</summary>
    public ParamState? GetState(Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return _state.GetValueOrDefault(parameter);
    }

    /// <summary>The state of a parameter, created empty on first use.</summary>
    protected ParamState GetOrCreateState(Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_state.TryGetValue(parameter, out var state))
        {
            state = new ParamState();
            _state[parameter] = state;
        }
        return state;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and value if an option of the group is invalid.</summary>
    /// <remarks>Called from the base constructor: read only the group, not fields of the subclass.</remarks>
    protected abstract void ValidateGroup(ParamGroup group);

    /// <summary>Updates the parameters of one group that have a gradient; runs under no-grad.</summary>
    protected abstract void Update(ParamGroup group);
}
