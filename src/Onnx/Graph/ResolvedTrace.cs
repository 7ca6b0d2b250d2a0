namespace MiniTorch.Onnx;

/// <summary>
/// A trace read as a graph: which op produced each tensor (the last to report it, so a composite op replaces the
/// ops it was built from) and which ops the outputs depend on ("live"), in the order they ran.
/// </summary>
internal sealed class ResolvedTrace
{
    private readonly Dictionary<Tensor, (TracedOp Op, int Slot)> _producers = new(ReferenceEqualityComparer.Instance);

    private ResolvedTrace(CapturedTrace captured)
    {
        Captured = captured;
        foreach (var op in captured.Trace.Ops)
        {
            for (int slot = 0; slot < op.Outputs.Count; slot++)
            {
                _producers[op.Outputs[slot]] = (op, slot);
            }
        }
        var inputs = new HashSet<Tensor>(captured.Inputs, ReferenceEqualityComparer.Instance);
        var live = new HashSet<TracedOp>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(Tensor Tensor, TracedOp? Consumer)>();
        foreach (var output in captured.Outputs)
        {
            pending.Push((output, null));
        }
        while (pending.Count > 0)
        {
            var (tensor, consumer) = pending.Pop();
            // An input is a graph input even if some op later reported it as an output (an op returning its input).
            if (inputs.Contains(tensor) || !_producers.TryGetValue(tensor, out var producer))
            {
                continue;
            }
            if (consumer is not null && producer.Op.Index >= consumer.Index)
            {
                throw new OnnxExportException($"ONNX export: {consumer.Describe()} reads a tensor that {producer.Op.Describe()} reported producing only later; an op must report its outputs after computing them.");
            }
            if (!live.Add(producer.Op))
            {
                continue;
            }
            foreach (var input in producer.Op.Inputs)
            {
                if (input is not null)
                {
                    pending.Push((input, producer.Op));
                }
            }
        }
        Live = [.. live.OrderBy(op => op.Index)];
        InputIndex = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < captured.Inputs.Length; i++)
        {
            InputIndex.TryAdd(captured.Inputs[i], i);
        }
    }

    public CapturedTrace Captured { get; }

    /// <summary>The ops the outputs depend on, in the order they ran (producers before consumers).</summary>
    public IReadOnlyList<TracedOp> Live { get; }

    /// <summary>The position of each graph input among the inputs.</summary>
    public Dictionary<Tensor, int> InputIndex { get; }

    public static ResolvedTrace Resolve(CapturedTrace captured) => new(captured);

    /// <summary>The op that produced <paramref name="tensor"/> and its output slot, or null for an input, parameter or constant.</summary>
    public (TracedOp Op, int Slot)? ProducerOf(Tensor tensor) =>
        !InputIndex.ContainsKey(tensor) && _producers.TryGetValue(tensor, out var p) ? p : null;
}
