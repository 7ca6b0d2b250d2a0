using Onnx;

namespace MiniTorch.Onnx;

// The cross-check of an imported model: the original file in ONNX Runtime against the module in MiniTorch.
public static partial class OnnxCheck
{
    /// <summary>
    /// Runs the original <paramref name="onnxFile"/> in ONNX Runtime and <paramref name="imported"/> in MiniTorch (in
    /// evaluation mode, its modes restored after, without grad) on the same <paramref name="inputs"/> (one per graph
    /// input) and reports the largest absolute and relative error per output.
    /// </summary>
    /// <example><code>
    /// var model = OnnxImporter.Import("ResNet18.onnx");
    /// var report = OnnxCheck.Compare(model, "ResNet18.onnx", Tensor.Randn([2, 3, 224, 224]));
    /// Console.WriteLine(report);  // Pooling395_Output_0 [2, 512, 1, 1]: max abs error …, max rel error …
    /// </code></example>
    public static OnnxCheckReport Compare(OnnxGraphModule imported, string onnxFile, params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(imported);
        ArgumentException.ThrowIfNullOrEmpty(onnxFile);
        ArgumentNullException.ThrowIfNull(inputs);
        return Compare(imported, OnnxImporter.ReadModel(onnxFile), inputs);
    }

    /// <summary>As <see cref="Compare(OnnxGraphModule, string, Tensor[])"/>, with the original model already read (e.g. built in code).</summary>
    public static OnnxCheckReport Compare(OnnxGraphModule imported, ModelProto original, params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(imported);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(inputs);
        Tensor[] expected;
        using (ModeGuard.EnterEval(imported, out _))
        using (Autograd.NoGrad())
        {
            expected = imported.Run(inputs);
        }
        var model = AsModel(original);
        int chunk = FixedBatch(original, inputs);
        if (chunk <= 0)
        {
            return Compare(model, inputs, expected);
        }
        // The file fixes dim 0 (e.g. batch 1), which ONNX Runtime enforces: run it on slices of that size.
        Tensor[] actual;
        using (var session = new OnnxRuntimeSession(model))
        {
            var parts = new List<Tensor[]>();
            for (int start = 0; start < inputs[0].Size(0); start += chunk)
            {
                parts.Add(session.Run([.. inputs.Select(x => x.Narrow(0, start, chunk).Contiguous())]));
            }
            actual = [.. Enumerable.Range(0, expected.Length).Select(i => Tensor.Cat([.. parts.Select(p => p[i])], 0))];
        }
        var comparisons = new OnnxOutputComparison[expected.Length];
        for (int i = 0; i < comparisons.Length; i++)
        {
            comparisons[i] = new OnnxOutputComparison(model.OutputNames[i], expected[i], actual[i]);
        }
        return new OnnxCheckReport(comparisons, [.. inputs.Select(t => t.Shape)]);
    }

    /// <summary>The fixed dim 0 of the file's inputs when the given batch is a larger multiple of it, else 0.</summary>
    private static int FixedBatch(ModelProto original, Tensor[] inputs)
    {
        var initializers = original.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var declared = original.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToArray();
        if (declared.Length != inputs.Length || inputs.Length == 0 || inputs.Any(x => x.Rank == 0 || x.Size(0) != inputs[0].Size(0)))
        {
            return 0;
        }
        int batch = inputs[0].Size(0);
        int fixedSize = 0;
        foreach (var input in declared)
        {
            var dims = input.Type?.TensorType?.Shape?.Dim;
            if (dims is not { Count: > 0 } || dims[0].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
            {
                return 0;
            }
            int size = (int)dims[0].DimValue;
            if (size <= 0 || size == batch || batch % size != 0 || (fixedSize != 0 && fixedSize != size))
            {
                return 0;
            }
            fixedSize = size;
        }
        return fixedSize;
    }

    /// <summary>Throws <see cref="OnnxCheckException"/> unless the imported module matches ONNX Runtime on the original file within tolerance.</summary>
    public static OnnxCheckReport AssertClose(OnnxGraphModule imported, string onnxFile, Tensor[] inputs,
        double absoluteTolerance = DefaultAbsoluteTolerance, double relativeTolerance = DefaultRelativeTolerance) =>
        Assert(Compare(imported, onnxFile, inputs), absoluteTolerance, relativeTolerance);

    /// <summary>A model read from a file, as the session wrapper takes it: inputs are the graph inputs that are not initializers.</summary>
    internal static OnnxModel AsModel(ModelProto proto) => OnnxModel.FromProto(proto);
}
