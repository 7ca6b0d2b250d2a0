namespace MiniTorch;

/// <summary>
/// The ops run on one thread while it was open (see <see cref="Tracing.Start"/>), in the order they reported. It
/// records; it does not interpret: an exporter reads <see cref="Ops"/> and works out which op produced each tensor
/// (the last one to report it) and which tensors came from outside (inputs, parameters, constants).
/// </summary>
public sealed class OpTrace : IDisposable
{
    private readonly List<TracedOp> _ops = [];
    private readonly List<string> _scopes = [];
    private readonly HashSet<Storage> _seen = new(ReferenceEqualityComparer.Instance);
    private bool _stopped;

    internal OpTrace(IReadOnlyList<Tensor> inputs)
    {
        Inputs = [.. inputs];
        foreach (var input in Inputs)
        {
            ArgumentNullException.ThrowIfNull(input, nameof(inputs));
            _seen.Add(input.Storage);
        }
    }

    /// <summary>The inputs the trace was started with.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>The recorded ops, in the order they reported (a composite after the ops it was built from).</summary>
    public IReadOnlyList<TracedOp> Ops => _ops;

    /// <summary>Stops recording; the recorded ops stay readable.</summary>
    public void Dispose()
    {
        _stopped = true;
        Tracing.Stop(this);
    }

    internal void Add(string name, Tensor[] outputs, Tensor?[] inputs, OpAttributes attributes)
    {
        // An op that hands back one of its inputs (Contiguous of a contiguous tensor, a no-op Transpose) computed nothing.
        if (outputs.Length == 1 && Array.IndexOf(inputs, outputs[0]) >= 0)
        {
            return;
        }
        foreach (var t in inputs)
        {
            if (t is not null)
            {
                _seen.Add(t.Storage);
            }
        }
        foreach (var t in outputs)
        {
            _seen.Add(t.Storage);
        }
        string scope = _scopes.Count == 0 ? "" : _scopes[^1];
        _ops.Add(new TracedOp(_ops.Count, name, outputs, inputs, attributes, scope));
    }

    internal void PushScope(string name) => _scopes.Add(name);

    internal void PopScope()
    {
        if (!_stopped && _scopes.Count > 0)
        {
            _scopes.RemoveAt(_scopes.Count - 1);
        }
    }

    internal void CheckInPlace(string op, Tensor target)
    {
        if (_seen.Contains(target.Storage))
        {
            string scope = _scopes.Count == 0 ? "" : $" in '{_scopes[^1]}'";
            throw new TracingException($"{op}{scope}: in-place op on a tensor of shape {Shapes.Format(target.ShapeSpan)} that the trace has already seen; a traced graph holds values, not memory, so the write would be lost. Use the out-of-place op (x = x + y rather than x.AddInPlace(y)) in code that is traced.");
        }
    }
}
