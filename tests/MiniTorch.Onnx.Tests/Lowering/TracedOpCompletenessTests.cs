using MiniTorch.OpDatabase;
using OpInfo = MiniTorch.OpDatabase.OpInfo;
using OpSample = MiniTorch.OpDatabase.OpSample;

namespace MiniTorch.Onnx.Tests.Lowering;

/// <summary>
/// Every op name the tracer records for the op table's rows (each row's samples are traced) has an ONNX lowering in
/// src/Onnx, or an explicit "not exportable" entry: the exporter's <c>BuiltinLowerings.Unsupported</c> (with the
/// reason its error gives) or the row's <see cref="OnnxSupport.NotExportable"/>. A new op that records a new trace
/// name fails here until it gets a lowering or a reason.
/// </summary>
public class TracedOpCompletenessTests
{
    [Fact]
    public void EveryTracedOpHasALoweringOrANotExportableEntry()
    {
        var problems = new List<string>();
        int traced = 0;
        foreach (var op in OpTable.All)
        {
            var rowNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in op.Samples)
            {
                var names = TraceNames(op, s, out var refused);
                if (refused is not null)
                {
                    // In-place rows: the tracer refuses them outright, which the row must say.
                    if (op.Onnx.IsExportable)
                    {
                        problems.Add($"{op.Name}: the tracer refused it ({refused.Message}) but the row says it exports");
                    }
                    continue;
                }
                traced += names.Count;
                rowNames.UnionWith(names);
                foreach (var name in names)
                {
                    bool lowered = OnnxOpRegistry.IsSupported(name);
                    bool explained = BuiltinLowerings.Unsupported.ContainsKey(name) || op.Onnx.TraceName == name && !op.Onnx.IsExportable;
                    if (!lowered && !explained)
                    {
                        problems.Add($"{op.Name}: traced op '{name}' has no ONNX lowering and no not-exportable entry");
                    }
                    if (!lowered && op.Onnx.IsExportable)
                    {
                        problems.Add($"{op.Name}: the row says it exports but it traces '{name}', which has no lowering");
                    }
                }
            }
            if (op.Onnx.TraceName is { } declared && rowNames.Count > 0 && !rowNames.Contains(declared))
            {
                problems.Add($"{op.Name}: the row says it traces as '{declared}' but its samples trace [{string.Join(", ", rowNames)}]");
            }
        }
        Assert.True(traced > 300, $"only {traced} traced ops: the table's samples should trace");
        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct()));
    }

    [Fact]
    public void EveryNotExportableEntryOfTheExporterIsReachedByARow()
    {
        // The exporter's explicit list must not hold names no op records any more.
        var traced = OpTable.All.SelectMany(op => op.Samples.SelectMany(s => TraceNames(op, s, out _))).ToHashSet();
        foreach (var name in BuiltinLowerings.Unsupported.Keys)
        {
            // Rand and Randn are recorded by the creation functions (Tensor.Rand, Tensor.Randn), which are not rows.
            Assert.True(traced.Contains(name) || name is "Rand" or "Randn", $"'{name}' is listed as not exportable but no table row traces it");
        }
    }

    private static HashSet<string> TraceNames(OpInfo op, OpSample s, out TracingException? refused)
    {
        var inputs = s.MakeInputs(100);
        refused = null;
        try
        {
            using var trace = Tracing.Start(inputs);
            op.Call(inputs, s.Args);
            return trace.Ops.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        }
        catch (TracingException ex)
        {
            refused = ex;
            return [];
        }
    }
}
