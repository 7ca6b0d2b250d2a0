namespace MiniTorch;

/// <summary>
/// The base for custom differentiable ops, like PyTorch's <c>torch.autograd.Function</c>: override
/// <see cref="Forward"/> (runs without recording a graph) and <see cref="Backward"/> (returns one gradient per
/// input), and call <see cref="Apply"/>. Write Backward with tensor ops and higher-order gradients work too.
/// </summary>
/// <example>
/// <code>
/// sealed class Cube : Function
/// {
///     protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
///     {
///         ctx.SaveForBackward(inputs[0]);
///         return inputs[0].Pow(3);
///     }
///     protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad)
///     {
///         var x = ctx.SavedTensors[0];
///         return [grad * 3 * x * x];
///     }
/// }
/// var y = new Cube().Apply(x);
/// </code>
/// </example>
public abstract class Function
{
    /// <summary>The op's name; its graph node is called <c>{Name}Backward</c>.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Computes the output from the inputs. Runs with grad mode off; save what backward needs on <paramref name="ctx"/>.</summary>
    protected abstract Tensor Forward(FunctionContext ctx, Tensor[] inputs);

    /// <summary>
    /// Returns the gradient of each input given the output's gradient (null for inputs that need none,
    /// see <see cref="FunctionContext.NeedsInputGrad"/>). Each must have its input's shape and dtype.
    /// </summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput);

    /// <summary>
    /// Returns the output's tangent given the inputs' tangents (null for an input without one), for forward-mode AD
    /// (PyTorch's <c>Function.jvp</c>). It runs after <see cref="Forward"/> with the same context, so tensors saved there
    /// can be read from <see cref="FunctionContext.SavedTensors"/>; the result must have the output's shape and dtype
    /// (or broadcast to it), or be null for a zero tangent. Without an override, a dual input is an error.
    /// </summary>
    protected virtual Tensor? Jvp(FunctionContext ctx, Tensor?[] inputTangents) =>
        throw new NotSupportedException($"{Name}: this Function has no forward-mode rule, so it cannot be applied to dual tensors (ForwardAD). Override Jvp(ctx, inputTangents) to return the output's tangent.");

    /// <summary>Runs the op on <paramref name="inputs"/> and, if any requires grad, records it in the graph.</summary>
    public Tensor Apply(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentNullException(nameof(inputs), $"{Name}: input {i} is null.");
            }
        }
        bool record = Node.IsNeeded(inputs);
        var needs = new bool[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            needs[i] = record && inputs[i].RequiresGrad;
        }
        var ctx = new FunctionContext(needs);
        bool dual = ForwardAD.IsActive && ForwardAD.AnyTangent(inputs);
        Tensor output;
        // Forward mode is suspended too: the output's tangent comes from Jvp, not from the ops Forward is made of.
        // Tracing too: the function reports itself below, and what Forward computes with is its own business.
        using (Autograd.NoGrad())
        using (ForwardAD.SuspendIfActive())
        using (Tracing.Suspend())
        {
            output = Forward(ctx, (Tensor[])inputs.Clone())
                ?? throw new InvalidOperationException($"{Name}.Forward returned null; it must return a tensor.");
        }
        if (record)
        {
            if (Array.IndexOf(inputs, output) >= 0 || !output.IsLeaf || output.RequiresGrad)
            {
                output = output.Detach(); // a fresh tensor object, so recording history never rewrites an input's
            }
            new FunctionNode(this, ctx).Connect(output, inputs);
        }
        if (dual)
        {
            if (Array.IndexOf(inputs, output) >= 0)
            {
                output = output.Detach(); // a fresh tensor object, so attaching the tangent never rewrites an input's
            }
            ApplyJvp(ctx, inputs, output);
        }
        if (Tracing.IsActive)
        {
            // Marked as a custom function so an exporter never mistakes it for a built-in op of the same name.
            Tracing.Record(Name, [output], inputs, new OpAttributes { { "customFunction", true } });
        }
        return output;
    }

    internal Tensor?[] RunBackward(FunctionContext ctx, Tensor gradOutput) => Backward(ctx, gradOutput);

    private void ApplyJvp(FunctionContext ctx, Tensor[] inputs, Tensor output)
    {
        var tangents = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            tangents[i] = ForwardAD.TangentOf(inputs[i]);
        }
        using var jvp = ForwardAD.Suspend();
        ctx.InJvp = true;
        Tensor? tangent;
        try
        {
            tangent = Jvp(ctx, tangents);
        }
        finally
        {
            ctx.InJvp = false;
        }
        if (tangent is null)
        {
            return;
        }
        if (tangent.DType != output.DType || !Shapes.SameShape(Shapes.Broadcast(Name, tangent.ShapeSpan.ToArray(), output.ShapeArray), output.ShapeArray))
        {
            throw new InvalidOperationException($"{Name}.Jvp returned a tangent of {tangent.DType} {Shapes.Format(tangent.ShapeSpan)}; expected the output's {output.DType} {Shapes.Format(output.ShapeSpan)}.");
        }
        jvp.SetTangent(output, tangent);
    }
}

/// <summary>What a <see cref="Function"/>'s forward leaves for its backward: saved tensors and other state.</summary>
public sealed class FunctionContext
{
    private readonly bool[] _needsInputGrad;
    private SavedTensor[] _saved = [];
    private Dictionary<string, object>? _items;

    internal FunctionContext(bool[] needsInputGrad) => _needsInputGrad = needsInputGrad;

    internal Node? Owner { get; set; }

    /// <summary>Set while <see cref="Function"/>'s Jvp runs, when the saved tensors are read without a graph node.</summary>
    internal bool InJvp { get; set; }

    /// <summary>Whether input <paramref name="index"/> needs a gradient (PyTorch's <c>ctx.needs_input_grad</c>).</summary>
    public bool NeedsInputGrad(int index)
    {
        if ((uint)index >= (uint)_needsInputGrad.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"NeedsInputGrad: index {index} is out of range for an op with {_needsInputGrad.Length} inputs.");
        }
        return _needsInputGrad[index];
    }

    /// <summary>Saves tensors for backward, with their versions, so an in-place change in between is detected.</summary>
    public void SaveForBackward(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _saved = new SavedTensor[tensors.Length];
        for (int i = 0; i < tensors.Length; i++)
        {
            _saved[i] = new SavedTensor(tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"SaveForBackward: tensor {i} is null."));
        }
    }

    /// <summary>The tensors saved by <see cref="SaveForBackward"/>; throws if they were freed by an earlier backward or modified in place.</summary>
    public IReadOnlyList<Tensor> SavedTensors
    {
        get
        {
            var result = new Tensor[_saved.Length];
            for (int i = 0; i < _saved.Length; i++)
            {
                // Jvp runs right after Forward, before anything could change them, so no version check is needed there.
                result[i] = InJvp ? _saved[i].Peek() : _saved[i].Unpack(Owner ?? throw new InvalidOperationException("SavedTensors is only available in Backward and Jvp."));
            }
            return result;
        }
    }

    /// <summary>Stores a non-tensor value (a hyper-parameter, a shape) for backward.</summary>
    public void Set(string key, object value) => (_items ??= [])[key] = value;

    /// <summary>Reads a value stored with <see cref="Set"/>.</summary>
    public T Get<T>(string key)
    {
        if (_items is null || !_items.TryGetValue(key, out var value))
        {
            throw new KeyNotFoundException($"FunctionContext.Get: nothing was stored under '{key}' in Forward.");
        }
        return (T)value;
    }

    internal void Release()
    {
        for (int i = 0; i < _saved.Length; i++)
        {
            _saved[i].Release();
        }
    }
}

internal sealed class FunctionNode : Node
{
    private readonly Function _function;
    private readonly FunctionContext _ctx;
    private readonly string _name;

    public FunctionNode(Function function, FunctionContext ctx)
    {
        _function = function;
        _ctx = ctx;
        _name = function.Name + "Backward";
        ctx.Owner = this;
    }

    public override string Name => _name;

    internal override Tensor?[] Apply(Tensor g)
    {
        var grads = _function.RunBackward(_ctx, g)
            ?? throw new AutogradException($"{_name}: Backward returned null; return one gradient (or null) per input.");
        if (grads.Length != Edges.Length)
        {
            throw new AutogradException($"function {_name} returned an incorrect number of gradients (expected {Edges.Length}, got {grads.Length}).");
        }
        for (int i = 0; i < grads.Length; i++)
        {
            if (!NeedsInputGrad(i))
            {
                grads[i] = null;
            }
        }
        return grads;
    }

    internal override void ReleaseSavedTensors() => _ctx.Release();
}
