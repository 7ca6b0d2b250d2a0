namespace MiniTorch.Onnx;

// Reductions (axes as an input, opset 18+), arg-extremes (int64 in ONNX, float indices in MiniTorch), softmax family.
internal static partial class BuiltinLowerings
{
    private static void AddReductions(Dictionary<string, OnnxLowering> table)
    {
        table["Sum"] = Reduce("ReduceSum");
        table["Mean"] = Reduce("ReduceMean");
        table["Max"] = Reduce("ReduceMax");
        table["Min"] = Reduce("ReduceMin");
        table["LogSumExp"] = Reduce("ReduceLogSumExp");
        table["Norm"] = c =>
        {
            if (c.Op.Attributes.GetInts("dims").Length == 0)
            {
                c.AddNode("Abs", [c.Input(0)], c.Output(0)); // the 2-norm of a 0-d tensor is its magnitude
                return;
            }
            Reduce("ReduceL2")(c);
        };
        table["MaxDim"] = ExtremeDim("ReduceMax", "ArgMax");
        table["MinDim"] = ExtremeDim("ReduceMin", "ArgMin");
        table["ArgMax"] = ArgExtreme("ArgMax");
        table["ArgMin"] = ArgExtreme("ArgMin");
        table["Softmax"] = c => c.AddNode("Softmax", [c.Input(0)], c.Output(0), OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")));
        table["LogSoftmax"] = c => c.AddNode("LogSoftmax", [c.Input(0)], c.Output(0), OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")));
    }

    private static OnnxLowering Reduce(string onnxOp) => c =>
    {
        var dims = c.Op.Attributes.GetInts("dims");
        if (dims.Length == 0)
        {
            // Only a 0-d input has no dims to reduce; its sum, mean or extreme is itself.
            c.AddNode("Identity", [c.Input(0)], c.Output(0));
            return;
        }
        long keep = c.Op.Attributes.GetBool("keepDim") ? 1 : 0;
        c.AddNode(onnxOp, [c.Input(0), c.ConstantInts([.. dims.Select(d => (long)d)])], c.Output(0), OnnxAttribute.Int("keepdims", keep));
    };

    private static OnnxLowering ExtremeDim(string reduceOp, string argOp) => c =>
    {
        if (c.InputShape(0).Length == 0)
        {
            c.AddNode("Identity", [c.Input(0)], c.Output(0));
            c.AddNode("Identity", [c.ConstantScalar(0, c.OutputDType(1))], c.Output(1));
            return;
        }
        int dim = c.Op.Attributes.GetInt("dim");
        long keep = c.Op.Attributes.GetBool("keepDim") ? 1 : 0;
        c.AddNode(reduceOp, [c.Input(0), c.ConstantInts(dim)], c.Output(0), OnnxAttribute.Int("keepdims", keep));
        // select_last_index = 0: the first extreme on ties, as MiniTorch returns.
        var indices = c.AddNode(argOp, [c.Input(0)], null, OnnxAttribute.Int("axis", dim), OnnxAttribute.Int("keepdims", keep), OnnxAttribute.Int("select_last_index", 0));
        c.CastTo(indices, c.OutputDType(1), c.Output(1));
    };

    private static OnnxLowering ArgExtreme(string argOp) => c =>
    {
        if (c.InputShape(0).Length == 0)
        {
            c.AddNode("Identity", [c.ConstantScalar(0, c.OutputDType(0))], c.Output(0));
            return;
        }
        long keep = c.Op.Attributes.GetBool("keepDim") ? 1 : 0;
        var indices = c.AddNode(argOp, [c.Input(0)], null, OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")), OnnxAttribute.Int("keepdims", keep), OnnxAttribute.Int("select_last_index", 0));
        c.CastTo(indices, c.OutputDType(0), c.Output(0));
    };
}
