namespace MiniTorch.Onnx;

/// <summary>The table of built-in lowerings: traced op name → ONNX nodes. One file per family of ops.</summary>
internal static partial class BuiltinLowerings
{
    public static readonly IReadOnlyDictionary<string, OnnxLowering> Table = Build();

    /// <summary>Built-in ops that ONNX cannot express, with the reason given in the export error.</summary>
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Im2Col"] = "ONNX has Col2Im but no Im2Col (unfold). Use Conv2d or the pooling functions, which export as Conv/MaxPool/AveragePool, instead of Im2Col in a traced forward.",
        ["Conv2dInputGrad"] = ConvGradientReason,
        ["Conv2dWeightGrad"] = ConvGradientReason,
        ["Rand"] = RandomReason,
        ["Randn"] = RandomReason,
    };

    private const string ConvGradientReason = "a convolution's gradient (Autograd.Grad or Backward inside the traced forward) has no ONNX lowering. Export the forward computation only.";

    private const string RandomReason = "a random draw inside the forward (Dropout in training mode, added noise) would be frozen into the graph as one sample, and ONNX's random operators cannot reproduce MiniTorch's generator. Export in evaluation mode (model.Eval(); Functional.Dropout with training: false), or pass the random tensor as an input.";

    private static Dictionary<string, OnnxLowering> Build()
    {
        var table = new Dictionary<string, OnnxLowering>(StringComparer.Ordinal);
        AddElementwise(table);
        AddReductions(table);
        AddShapes(table);
        AddIndexing(table);
        AddInteger(table);
        AddLayers(table);
        return table;
    }

    /// <summary>Every present input's name, in order ("" for an absent optional input in the middle).</summary>
    private static string[] AllInputs(OnnxLoweringContext c)
    {
        var names = new string[c.InputCount];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = c.HasInput(i) ? c.Input(i) : "";
        }
        return names;
    }

    /// <summary>A lowering to one ONNX node of the same arity.</summary>
    private static OnnxLowering Direct(string onnxOp) => c => c.AddNode(onnxOp, AllInputs(c), c.Output(0));
}
