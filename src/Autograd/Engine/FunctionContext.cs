namespace MiniTorch;

/// <summary>What a custom function's forward leaves for its backward: saved tensors, other state and the marks on its tensors.</summary>
public sealed class FunctionContext
{
    private readonly bool[] _needsInputGrad;
    private SavedTensor?[] _saved = [];
    private Dictionary<string, object>? _items;
    private List<Tensor>? _dirty;
    private List<Tensor>? _nonDifferentiable;
    private (int[] Shape, DType DType)[] _outputs = [];

    internal FunctionContext(bool[] needsInputGrad) => _needsInputGrad = needsInputGrad;

    internal Node? Owner { get; set; }

    /// <summary>Set while a Function's Jvp runs, when the saved tensors are read without a graph node.</summary>
    internal bool InJvp { get; set; }

    /// <summary>Whether null output gradients reach Backward as zeros (the default, as in PyTorch).</summary>
    internal bool MaterializeGrads { get; private set; } = true;

    /// <summary>Whether input <paramref name="index"/> needs a gradient (PyTorch's <c>ctx.needs_input_grad</c>).</summary>
    public bool NeedsInputGrad(int index)
    {
        if ((uint)index >= (uint)_needsInputGrad.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"NeedsInputGrad: index {index} is out of range for an op with {_needsInputGrad.Length} inputs.");
        }
        return _needsInputGrad[index];
    }

    /// <summary>
    /// Saves tensors for backward, with their versions, so an in-place change in between is detected. Null entries
    /// are allowed and come back as null from <see cref="SavedTensorsWithNulls"/> (PyTorch's <c>save_for_backward(None, x)</c>).
    /// </summary>
    public void SaveForBackward(params Tensor?[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _saved = new SavedTensor?[tensors.Length];
        for (int i = 0; i < tensors.Length; i++)
        {
            _saved[i] = tensors[i] is { } t ? new SavedTensor(t) : null;
        }
    }

    /// <summary>The tensors saved by <see cref="SaveForBackward"/>; throws if they were freed by an earlier backward, modified in place, or if one was null (read those with <see cref="SavedTensorsWithNulls"/>).</summary>
    public IReadOnlyList<Tensor> SavedTensors
    {
        get
        {
            var all = SavedTensorsWithNulls;
            var result = new Tensor[all.Count];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = all[i] ?? throw new InvalidOperationException($"SavedTensors: entry {i} was saved as null; read the saved tensors with SavedTensorsWithNulls.");
            }
            return result;
        }
    }

    /// <summary>The tensors saved by <see cref="SaveForBackward"/>, null where null was saved (PyTorch's <c>ctx.saved_tensors</c>).</summary>
    public IReadOnlyList<Tensor?> SavedTensorsWithNulls
    {
        get
        {
            var result = new Tensor?[_saved.Length];
            for (int i = 0; i < _saved.Length; i++)
            {
                if (_saved[i] is not { } saved)
                {
                    continue;
                }
                // Jvp runs right after Forward, before anything could change them, so no version check is needed there.
                result[i] = InJvp ? saved.Peek() : saved.Unpack(Owner ?? throw new InvalidOperationException("SavedTensors is only available in Backward and Jvp."));
            }
            return result;
        }
    }

    /// <summary>
    /// Declares inputs that Forward modified in place (PyTorch's <c>ctx.mark_dirty</c>). Each must also be returned
    /// as an output; that tensor object then carries the function's history, as after a built-in in-place op.
    /// </summary>
    public void MarkDirty(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var t in tensors)
        {
            (_dirty ??= []).Add(t ?? throw new ArgumentNullException(nameof(tensors), "MarkDirty: a tensor is null."));
        }
    }

    /// <summary>
    /// Declares outputs that are not differentiable (PyTorch's <c>ctx.mark_non_differentiable</c>), such as indices:
    /// they do not require grad, and their gradient in Backward is zeros (or null without materialized grads).
    /// </summary>
    public void MarkNonDifferentiable(params Tensor[] outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var t in outputs)
        {
            (_nonDifferentiable ??= []).Add(t ?? throw new ArgumentNullException(nameof(outputs), "MarkNonDifferentiable: a tensor is null."));
        }
    }

    /// <summary>
    /// Whether output gradients that did not arrive (outputs not used, or non-differentiable) are passed to Backward
    /// as zeros (true, the default) or as null (PyTorch's <c>ctx.set_materialize_grads</c>).
    /// </summary>
    public void SetMaterializeGrads(bool value) => MaterializeGrads = value;

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

    internal bool IsDirty(Tensor t) => _dirty is not null && _dirty.Contains(t, ReferenceEqualityComparer.Instance);

    internal IReadOnlyList<Tensor> Dirty => _dirty ?? (IReadOnlyList<Tensor>)[];

    internal bool IsNonDifferentiable(Tensor t) => _nonDifferentiable is not null && _nonDifferentiable.Contains(t, ReferenceEqualityComparer.Instance);

    /// <summary>Remembers each output's shape and dtype, so a missing gradient can be materialized as zeros.</summary>
    internal void SetOutputs(Tensor[] outputs)
    {
        _outputs = new (int[], DType)[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            _outputs[i] = (outputs[i].ShapeArray, outputs[i].DType);
        }
    }

    internal Tensor ZeroGradient(int output) => Tensor.Zeros(_outputs[output].Shape, _outputs[output].DType);

    internal void Release()
    {
        for (int i = 0; i < _saved.Length; i++)
        {
            if (_saved[i] is { } saved)
            {
                saved.Release();
                _saved[i] = saved;
            }
        }
    }
}
