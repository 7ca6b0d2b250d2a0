using System.Diagnostics.CodeAnalysis;

namespace MiniTorch.Optim;

/// <summary>
/// What an optimizer remembers about one parameter between steps (PyTorch's <c>optimizer.state[p]</c>):
/// a step count and named buffers of the parameter's shape, such as <see cref="BufferNames.ExpAvg"/>.
/// A parameter gets state on the first step in which it has a gradient.
/// </summary>
public sealed class ParamState
{
    private readonly Dictionary<string, Tensor> _buffers = new(StringComparer.Ordinal);

    /// <summary>How many updates this parameter has received (used by Adam's bias correction).</summary>
    public long Step { get; set; }

    /// <summary>The buffers by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Buffers => _buffers;

    /// <summary>A buffer by name; throws <see cref="KeyNotFoundException"/> naming the buffers present if it is missing.</summary>
    public Tensor this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            if (!_buffers.TryGetValue(name, out var buffer))
            {
                var known = _buffers.Count == 0 ? "none" : string.Join(", ", _buffers.Keys);
                throw new KeyNotFoundException($"ParamState has no buffer '{name}' (buffers: {known}).");
            }
            return buffer;
        }
    }

    /// <summary>Gets a buffer if present.</summary>
    public bool TryGetBuffer(string name, [NotNullWhen(true)] out Tensor? buffer) => _buffers.TryGetValue(name, out buffer);

    /// <summary>Stores or replaces a buffer.</summary>
    public void SetBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(buffer);
        // Optimizer state outlives the TensorScope of the step that created it.
        buffer.DetachFromScope();
        _buffers[name] = buffer;
    }

    /// <summary>The buffer named <paramref name="name"/>, created as zeros shaped like <paramref name="parameter"/> if missing.</summary>
    public Tensor GetOrAddZeros(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_buffers.TryGetValue(name, out var buffer))
        {
            // Made lazily by the first Step, usually inside a training step's TensorScope, which must not dispose it.
            buffer = Tensor.ZerosLike(parameter).DetachFromScope();
            _buffers[name] = buffer;
        }
        return buffer;
    }

    /// <summary>A deep copy: the step count and a copy of every buffer, so later steps do not change it.</summary>
    public ParamState Clone()
    {
        var copy = new ParamState { Step = Step };
        using (Autograd.NoGrad())
        {
            foreach (var (name, buffer) in _buffers)
            {
                copy._buffers[name] = buffer.Clone().DetachFromScope();
            }
        }
        return copy;
    }
}
