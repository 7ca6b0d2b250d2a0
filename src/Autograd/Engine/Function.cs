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
        Tensor output;
        using (Autograd.NoGrad())
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
        if (Tracing.IsActive)
        {
            // Marked as a custom function so an exporter never mistakes it for a built-in op of the same name.
            Tracing.Record(Name, [output], inputs, new OpAttributes { { "customFunction", true } });
        }
        return output;
    }

    internal Tensor?[] RunBackward(FunctionContext ctx, Tensor gradOutput) => Backward(ctx, gradOutput);
}

/// <summary>What a <see cref="Function"/>'s forward leaves for its backward: saved tensors and other state.</summary>
public sealed class FunctionContext
{
    private readonly bool[] _needsInputGrad;
    private SavedTensor[] _saved = [];
    private Dictionary<string, object>? _items;

    internal FunctionContext(bool[] needsInputGrad) => _needsInputGrad = needsInputGrad;

    internal Node? Owner { get; set; }

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
                result[i] = _saved[i].Unpack(Owner ?? throw new InvalidOperationException("SavedTensors is only available in Backward."));
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
