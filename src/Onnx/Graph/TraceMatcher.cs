namespace MiniTorch.Onnx;

/// <summary>
/// Pairs the tensors of the first trace (batch B) with those of the second (batch B + 1): the ops the outputs depend on
/// must be the same in both runs, in the same order, with the same attributes, wired the same way. The second trace's shapes then say which
/// dims follow the batch, and a constant that differs between runs (random, or read from the input's values) is caught.
/// </summary>
internal sealed class TraceMatcher
{
    private readonly ResolvedTrace _first;
    private readonly ResolvedTrace? _second;
    private readonly Dictionary<Tensor, Tensor> _pairs = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<TracedOp, TracedOp> _ops = new(ReferenceEqualityComparer.Instance);

    public TraceMatcher(ResolvedTrace first, ResolvedTrace? second)
    {
        _first = first;
        _second = second;
        if (second is null)
        {
            return;
        }
        // Only the ops the outputs depend on must agree: the parts a composite op was computed with may differ with
        // the batch size (a reshape that copies only when the batch is not 1) and are not exported.
        var a = first.Live;
        var b = second.Live;
        if (a.Count != b.Count)
        {
            throw new OnnxExportException($"ONNX export: the outputs depend on {a.Count} ops at batch size {BatchOf(first)} but on {b.Count} at batch size {BatchOf(second)}; {FirstDifference(a, b)} A traced graph cannot hold control flow that depends on the batch size: export with DynamicBatch = false, or make the ops the same for every batch size.");
        }
        for (int i = 0; i < a.Count; i++)
        {
            _ops.Add(a[i], b[i]);
        }
        for (int i = 0; i < a.Count; i++)
        {
            var op = a[i];
            var other = b[i];
            if (other.Name != op.Name)
            {
                throw new OnnxExportException($"ONNX export: {op.Describe()} at batch size {BatchOf(first)} is {other.Describe()} at batch size {BatchOf(second)}: the forward chooses its ops by the batch size, and a traced graph cannot hold that control flow. Export with DynamicBatch = false, or make the ops the same for every batch size.");
            }
            if (!other.Attributes.ValueEquals(op.Attributes) || other.Inputs.Count != op.Inputs.Count || other.Outputs.Count != op.Outputs.Count)
            {
                throw new OnnxExportException($"ONNX export: {op.Describe()} with attributes {op.Attributes} at batch size {BatchOf(first)} became {other.Describe()} with attributes {other.Attributes} at batch size {BatchOf(second)}; its arguments depend on the batch size, which a dynamic-batch ONNX graph cannot express. Export with DynamicBatch = false.");
            }
            for (int k = 0; k < op.Inputs.Count; k++)
            {
                if (op.Inputs[k] is { } input)
                {
                    Pair(input, other.Inputs[k], op);
                }
            }
            for (int k = 0; k < op.Outputs.Count; k++)
            {
                CheckRank(op.Outputs[k], other.Outputs[k], $"the output of {op.Describe()}");
                _pairs.TryAdd(op.Outputs[k], other.Outputs[k]);
            }
        }
        for (int i = 0; i < first.Captured.Outputs.Length; i++)
        {
            if (second.Captured.Outputs.Length != first.Captured.Outputs.Length)
            {
                throw new OnnxExportException($"ONNX export: the traced function returned {first.Captured.Outputs.Length} outputs at batch size {BatchOf(first)} and {second.Captured.Outputs.Length} at batch size {BatchOf(second)}.");
            }
            Pair(first.Captured.Outputs[i], second.Captured.Outputs[i], null);
        }
    }

    /// <summary>The shape of <paramref name="tensor"/>'s counterpart in the second trace (its own shape without one).</summary>
    public int[] SecondShapeOf(Tensor tensor) =>
        _second is null ? tensor.Shape : _pairs.TryGetValue(tensor, out var other) ? other.Shape : tensor.Shape;

    private void Pair(Tensor a, Tensor? b, TracedOp? consumer)
    {
        string where = consumer is null ? "a graph output" : consumer.Describe();
        if (b is null || !SameOrigin(a, b))
        {
            throw new OnnxExportException($"ONNX export: {where} reads different tensors at batch sizes {BatchOf(_first)} and {BatchOf(_second!)}; the forward's data flow depends on the batch size.");
        }
        if (_pairs.TryGetValue(a, out var known))
        {
            if (!ReferenceEquals(known, b))
            {
                throw new OnnxExportException($"ONNX export: {where} reads a tensor that is paired with another one in the second trace; the forward's data flow depends on the batch size.");
            }
            return;
        }
        CheckRank(a, b, $"a tensor read by {where}");
        bool isConstant = _first.ProducerOf(a) is null && !_first.InputIndex.ContainsKey(a) && !ReferenceEquals(a, b);
        if (isConstant && !SameValues(a, b))
        {
            throw new OnnxExportException($"ONNX export: {where} reads a tensor of shape {OnnxShapes.Format(a.Shape)} that was not computed from the inputs by traced ops, and it differs between two runs (shape {OnnxShapes.Format(b.Shape)} the second time). It would be frozen into the graph as a constant: a random tensor, or one built from the input's values read as numbers (ToArray/Item). Compute it with tensor ops, or export with DynamicBatch = false if it only depends on the batch size.");
        }
        _pairs.Add(a, b);
    }

    private void CheckRank(Tensor a, Tensor b, string what)
    {
        if (a.Rank != b.Rank)
        {
            throw new OnnxExportException($"ONNX export: {what} has shape {OnnxShapes.Format(a.Shape)} at batch size {BatchOf(_first)} but {OnnxShapes.Format(b.Shape)} at batch size {BatchOf(_second!)}; its rank depends on the batch size (a Squeeze() of a size-1 batch?). Trace with a batch of at least 2, or export with DynamicBatch = false.");
        }
    }

    private bool SameOrigin(Tensor a, Tensor b)
    {
        var second = _second!;
        if (_first.InputIndex.TryGetValue(a, out int i))
        {
            return second.InputIndex.TryGetValue(b, out int j) && i == j;
        }
        var pa = _first.ProducerOf(a);
        var pb = second.ProducerOf(b);
        if (pa is { } x)
        {
            return pb is { } y && _ops.TryGetValue(x.Op, out var paired) && ReferenceEquals(paired, y.Op) && x.Slot == y.Slot;
        }
        return pb is null && !second.InputIndex.ContainsKey(b);
    }

    private static bool SameValues(Tensor a, Tensor b)
    {
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape) || a.DType != b.DType)
        {
            return false;
        }
        var x = a.ToDoubleArray();
        var y = b.ToDoubleArray();
        for (int i = 0; i < x.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(x[i]) != BitConverter.DoubleToInt64Bits(y[i]) && !(double.IsNaN(x[i]) && double.IsNaN(y[i])))
            {
                return false;
            }
        }
        return true;
    }

    private static string BatchOf(ResolvedTrace trace) =>
        trace.Captured.Inputs.FirstOrDefault(t => t.Rank > 0) is { } x ? x.Size(0).ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";

    private static string FirstDifference(IReadOnlyList<TracedOp> a, IReadOnlyList<TracedOp> b)
    {
        int n = Math.Min(a.Count, b.Count);
        for (int i = 0; i < n; i++)
        {
            if (a[i].Name != b[i].Name)
            {
                return $"the first difference is op {i}: {a[i].Describe()} against {b[i].Describe()}.";
            }
        }
        return $"the first {n} ops agree and the longer run goes on with {(a.Count > n ? a[n] : b[n]).Describe()}.";
    }
}
