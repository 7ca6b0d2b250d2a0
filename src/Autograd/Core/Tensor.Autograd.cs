namespace MiniTorch;

public partial class Tensor
{
    private bool _requiresGrad;
    private Node? _gradFn;
    private int _outputNr; // which output of _gradFn this tensor is (PyTorch's output_nr); 0 but for several-output Functions
    private AccumulateGrad? _accumulator;
    private Tensor? _grad;

    // Whether _grad is the tensor backward made for this leaf and no user code has seen it (see GradientRecycling).
    private bool _gradPrivate;

    /// <summary>
    /// Whether gradients are computed for this tensor. Settable on leaves only, as in PyTorch; the result
    /// of an op requires grad exactly when grad mode is on and one of its inputs does. Only floating tensors can
    /// require grad: setting it on an integer or Bool tensor throws, as PyTorch does.
    /// </summary>
    /// <exception cref="AutogradException">Set (to either value) on a non-leaf, as PyTorch's <c>x.requires_grad = ...</c>.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (_gradFn is not null)
            {
                throw NonLeafRequiresGradError(value);
            }
            if (value && !DType.IsFloatingPoint())
            {
                throw new AutogradException($"RequiresGrad: only Tensors of floating point and complex dtype can require gradients (PyTorch's message); this tensor is {DType}. Convert it first, e.g. x.To(DType.Float32).SetRequiresGrad().");
            }
            _requiresGrad = value;
        }
    }

    /// <summary>
    /// Sets <see cref="RequiresGrad"/> and returns this tensor, for chaining (PyTorch's <c>requires_grad_()</c>). As in
    /// PyTorch, true on a non-leaf (which already requires grad) leaves it unchanged, while false throws.
    /// </summary>
    /// <exception cref="AutogradException"><paramref name="requiresGrad"/> is false and the tensor is not a leaf.</exception>
    public Tensor SetRequiresGrad(bool requiresGrad = true)
    {
        if (_gradFn is not null)
        {
            return requiresGrad ? this : throw NonLeafRequiresGradError(false);
        }
        RequiresGrad = requiresGrad;
        return this;
    }

    // PyTorch's requires_grad_leaf_error, word for word, after the member's name.
    private AutogradException NonLeafRequiresGradError(bool value) => new(
        "RequiresGrad: you can only change requires_grad flags of leaf variables." +
        (value ? "" : " If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().") +
        $" (The tensor of shape {Shapes.Format(_shape)} was made by {_gradFn!.Name}; in MiniTorch: x.Detach().)");

    /// <summary>True for a tensor not made by a recorded op: user-created tensors and results computed without grad.</summary>
    public bool IsLeaf => _gradFn is null;

    /// <summary>The node that made this tensor (PyTorch's <c>grad_fn</c>), or null for a leaf.</summary>
    public Node? GradFn => _gradFn;

    /// <summary>
    /// The accumulated gradient: null until the first backward reaches this tensor, then summed over
    /// backward calls until it is zeroed or set to null. Filled for leaves, and for non-leaves after <see cref="RetainGrad"/>.
    /// </summary>
    /// <remarks>
    /// A gradient lives as long as its tensor: an assigned gradient leaves the <see cref="TensorScope"/> it was made in
    /// and joins this tensor's (none, for a parameter), so a scope around backward never disposes a parameter's gradient.
    /// Reading it on a non-leaf that did not call <see cref="RetainGrad"/> while it holds no gradient raises
    /// <see cref="Autograd.Warning"/> once per tensor, where PyTorch warns (its gradient is never filled).
    /// </remarks>
    public Tensor? Grad
    {
        get
        {
            if (_grad is null && _gradFn is not null && !RetainsGrad)
            {
                Autograd.WarnNonLeafGradRead(this);
            }
            if (_gradPrivate && !Autograd.IsBorrowingGradients)
            {
                _gradPrivate = false; // the caller may keep it
            }
            return _grad;
        }
        set
        {
            if (value is not null && (!Shapes.SameShape(value.ShapeSpan, _shape) || value.DType != DType))
            {
                throw new ArgumentException($"Grad: assigned grad has data of a different size or type: {value.DType} {Shapes.Format(value.ShapeSpan)} for a tensor of {DType} {Shapes.Format(_shape)}.");
            }
            value?.ShareLifetimeWith(this);
            var dropped = _gradPrivate ? _grad : null;
            _gradPrivate = false; // an assigned gradient is the caller's
            _grad = value;
            if (value is null && dropped is not null)
            {
                GradientRecycling.ReleaseDropped(dropped);
            }
        }
    }

    /// <summary>Stores a gradient that backward made for this tensor and that no user code holds (<see cref="GradientRecycling"/>).</summary>
    internal void SetPrivateGrad(Tensor grad)
    {
        Grad = grad;
        _gradPrivate = true;
    }

    /// <summary>The gradient field itself, for the engine's accumulation into a non-leaf input: a read that is not the user's and must not warn.</summary>
    internal Tensor? GradWithoutWarning => _grad;

    /// <summary>Whether <see cref="RetainGrad"/> was called on this non-leaf.</summary>
    public bool RetainsGrad => _gradFn is not null && _gradFn.RetainedOutput(_outputNr) == this;

    /// <summary>Which output of <see cref="GradFn"/> this tensor is (PyTorch's <c>output_nr</c>): 0 unless a <see cref="MultiOutputFunction"/> made it.</summary>
    public int OutputNr => _outputNr;

    internal void SetHistory(Node node, int outputNr = 0)
    {
        _gradFn = node;
        _outputNr = outputNr;
        _requiresGrad = true;
        if (Autograd.IsAnomalyEnabled)
        {
            AnomalyDetection.CaptureForwardTrace(node);
        }
    }

    /// <summary>The node that receives this tensor's gradient: its GradFn, or (created on first use) its leaf accumulator.</summary>
    internal Node? GradientSink() => _gradFn ?? (_requiresGrad ? _accumulator ??= new AccumulateGrad(this) : null);

    /// <summary>
    /// Computes the gradient of this tensor with respect to the graph leaves and accumulates it into their
    /// <see cref="Grad"/> (PyTorch's <c>backward()</c>).
    /// </summary>
    /// <param name="gradient">The vector of the vector-Jacobian product; required unless this tensor has one element.</param>
    /// <param name="retainGraph">Keep the saved tensors for another backward; defaults to <paramref name="createGraph"/>.</param>
    /// <param name="createGraph">Record the derivative's graph so higher-order derivatives can be taken.</param>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false)
        => Engine.Backward([this], [gradient], retainGraph ?? createGraph, createGraph);

    /// <summary>A tensor sharing this one's storage (and version counter) with no history and no grad.</summary>
    public Tensor Detach() => DetachDefinition.Record(new Tensor(Storage, _shape, _strides, Offset), [this]);

    // Traced only: the result has no history and no tangent.
    private static readonly OpDefinition<NoArgs> DetachDefinition = new("Detach");

    /// <summary>
    /// Detaches this tensor from the graph in place (PyTorch's <c>detach_()</c>): it becomes a leaf that does not require
    /// grad, and loses its tangent. Views taken of it earlier keep their history. A view cannot be detached in place.
    /// </summary>
    public Tensor DetachInPlace()
    {
        if (IsView)
        {
            // PyTorch's words.
            throw new AutogradException($"DetachInPlace: Can't detach views in-place. Use Detach() instead (shape {Shapes.Format(_shape)}).");
        }
        _gradFn = null;
        _outputNr = 0;
        _requiresGrad = false;
        SetTangent(null, null);
        return this;
    }

    /// <summary>Makes backward fill <see cref="Grad"/> of this non-leaf tensor too (PyTorch's <c>retain_grad()</c>).</summary>
    public void RetainGrad()
    {
        if (!_requiresGrad)
        {
            throw new AutogradException("RetainGrad: the tensor does not require grad (RequiresGrad is false), so backward gives it no gradient to retain (PyTorch: can't retain_grad on Tensor that has requires_grad=False).");
        }
        if (_gradFn is not null)
        {
            _gradFn.SetRetainedOutput(_outputNr, this);
        }
    }

    /// <summary>
    /// Registers a hook called with this tensor's gradient during backward; a non-null return value
    /// replaces the gradient (PyTorch's <c>register_hook</c>). Dispose the handle to remove the hook.
    /// </summary>
    public HookHandle RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var sink = GradientSink() ?? throw new AutogradException("cannot register a hook on a tensor that doesn't require gradient.");
        var hooks = sink.HooksFor(_gradFn is null ? 0 : _outputNr);
        return new HookHandle(hooks, hook);
    }

    /// <summary>
    /// Registers a hook called with this leaf after backward has accumulated its gradient into <see cref="Grad"/>
    /// (PyTorch 2.1's <c>register_post_accumulate_grad_hook</c>): the hook sees the summed gradient, which is what
    /// gradient synchronisation (DistributedDataParallel) and fused optimizers act on. It runs for
    /// <see cref="Backward"/>, not for <c>Autograd.Grad</c>, which accumulates nothing. Dispose the handle to remove it.
    /// </summary>
    /// <exception cref="AutogradException">The tensor is not a leaf that requires grad.</exception>
    public HookHandle RegisterPostAccumulateGradHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (_gradFn is not null || !_requiresGrad)
        {
            throw new AutogradException("post accumulate grad hooks cannot be registered on non-leaf tensors or tensors that don't require grad.");
        }
        var accumulator = (AccumulateGrad)GradientSink()!;
        var hooks = accumulator.PostAccumulateHooks ??= [];
        return new HookHandle(hooks, hook);
    }
}

/// <summary>Removes a registered hook when disposed.</summary>
public sealed class HookHandle : IDisposable
{
    private readonly Action _remove;

    internal HookHandle(List<Func<Tensor, Tensor?>> hooks, Func<Tensor, Tensor?> hook)
    {
        hooks.Add(hook);
        _remove = () => hooks.Remove(hook);
    }

    internal HookHandle(List<Action<Tensor>> hooks, Action<Tensor> hook)
    {
        hooks.Add(hook);
        _remove = () => hooks.Remove(hook);
    }

    /// <summary>Removes the hook; calling it again does nothing.</summary>
    public void Remove() => _remove();

    /// <inheritdoc />
    public void Dispose() => Remove();
}
