using MiniTorch.OpDatabase;
using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Lowering;

/// <summary>
/// Every exportable row of the op table, on each of its ONNX samples: exported with the first input as the graph
/// input (traced at batch 1) and the other inputs as constants, run in ONNX Runtime at batches 1, 3 and 6 against
/// MiniTorch (or, for a sample whose first dim is not free, at its own shapes), and the graph holds the ONNX operator
/// the row names. Rows marked not exportable must fail to export. This replaces ElementwiseExportTests' op table.
/// </summary>
public class OpTableExportTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var op in OpTable.All.Where(o => o.Onnx.IsExportable))
        {
            for (int i = 0; i < op.Samples.Count; i++)
            {
                if (op.Samples[i].OnnxMode != OnnxSampleMode.None)
                {
                    data.Add(op.Name, i);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExportsAndMatchesOnnxRuntime(string name, int sample)
    {
        var op = OpTable.Get(name);
        var s = op.Samples[sample];
        // The constants are drawn once (float32, as a model's weights are); the graph input is redrawn per batch size.
        var inputs = s.MakeInputs(100, DType.Float32, requiresGrad: false);
        var constants = inputs[1..];
        Tensor Function(Tensor x) => op.Call([x, .. constants], s.Args)[0];
        OnnxModel model;
        if (s.OnnxMode == OnnxSampleMode.Batched)
        {
            model = RoundTrip.Check(Function, b => s.MakeBatchedFirstInput(b, b, DType.Float32));
        }
        else
        {
            model = OnnxExporter.Export(Function, inputs[0], new OnnxExportOptions { DynamicBatch = false });
            OnnxCheck.AssertClose(model, xs => [Function(xs[0])], [inputs[0]], RoundTrip.Atol, RoundTrip.Rtol);
        }
        Assert.True(RoundTrip.OpTypes(model).Contains(op.Onnx.OnnxOpType!), $"{op.Name}: no {op.Onnx.OnnxOpType} in [{string.Join(", ", RoundTrip.OpTypes(model))}]");
    }

    [Fact]
    public void EveryExportableRowHasAnOnnxSample()
    {
        var missing = OpTable.All.Where(o => o.Onnx.IsExportable && o.Api.Count > 0 && !o.Samples.Any(s => s.OnnxMode != OnnxSampleMode.None)).Select(o => o.Name).ToArray();
        Assert.True(missing.Length == 0, "exportable rows without an ONNX sample (mark one with .Onnx()): " + string.Join(", ", missing));
    }

    [Fact]
    public void RowsMarkedNotExportableFailToExport()
    {
        foreach (var op in OpTable.All.Where(o => !o.Onnx.IsExportable && o.Onnx.TraceName is not null))
        {
            var s = op.Samples[0];
            var inputs = s.MakeInputs(100);
            var ex = Assert.ThrowsAny<Exception>(() => OnnxExporter.Export(xs => [op.Call(xs, s.Args)[0]], inputs));
            if (ex is AutogradException)
            {
                // The exporter runs the forward without grad, so a gradient taken inside it fails in autograd first.
                Assert.Contains("Grad", op.Onnx.TraceName!, StringComparison.Ordinal);
                continue;
            }
            Assert.True(ex is OnnxExportException or TracingException, $"{op.Name}: {ex.GetType().Name}: {ex.Message}");
            Assert.Contains(op.Onnx.TraceName!, ex.Message, StringComparison.Ordinal);
        }
    }
}
