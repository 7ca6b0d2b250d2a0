namespace MiniTorch.Onnx;

// Reductions (axes as an input, opset 18+), arg-extremes (int64 in both), Any/All, Cumsum, Sort/TopK, softmax family.
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
        table["Any"] = TruthReduction("ReduceMax");
        table["All"] = TruthReduction("ReduceMin");
        table["Cumsum"] = c =>
        {
            if (c.InputShape(0).Length == 0)
            {
                c.AddNode("Identity", [c.Input(0)], c.Output(0)); // the cumulative sum of a 0-d tensor is itself
                return;
            }
            // A Bool input sums as Int64, as torch.cumsum promotes it (the traced output dtype says which).
            c.AddNode("CumSum", [c.InputAs(0, c.OutputDType(0)), c.ConstantScalar(c.Op.Attributes.GetInt("dim"), DType.Int64)], c.Output(0));
        };
        table["Sort"] = c => Selection(c, c.Op.Attributes.GetBool("descending"), k: null);
        table["TopK"] = c => Selection(c, c.Op.Attributes.GetBool("largest"), c.Op.Attributes.GetInt("k"));
        table["Softmax"] = c => c.AddNode("Softmax", [c.Input(0)], c.Output(0), OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")));
        table["LogSoftmax"] = c => c.AddNode("LogSoftmax", [c.Input(0)], c.Output(0), OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")));
    }

    private static OnnxLowering Reduce(string onnxOp) => c =>
    {
        var dims = c.Op.Attributes.GetInts("dims");
        // A Bool or narrower integer input sums as Int64 (torch.sum's dtype rule), which the output's dtype says.
        var input = c.InputAs(0, c.OutputDType(0));
        if (dims.Length == 0)
        {
            // Only a 0-d input has no dims to reduce; its sum, mean or extreme is itself.
            c.AddNode("Identity", [input], c.Output(0));
            return;
        }
        long keep = c.Op.Attributes.GetBool("keepDim") ? 1 : 0;
        c.AddNode(onnxOp, [input, c.ConstantInts([.. dims.Select(d => (long)d)])], c.Output(0), OnnxAttribute.Int("keepdims", keep));
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
        c.AddNode(argOp, [c.Input(0)], c.Output(1), OnnxAttribute.Int("axis", dim), OnnxAttribute.Int("keepdims", keep), OnnxAttribute.Int("select_last_index", 0));
    };

    private static OnnxLowering ArgExtreme(string argOp) => c =>
    {
        if (c.InputShape(0).Length == 0)
        {
            c.AddNode("Identity", [c.ConstantScalar(0, c.OutputDType(0))], c.Output(0));
            return;
        }
        long keep = c.Op.Attributes.GetBool("keepDim") ? 1 : 0;
        c.AddNode(argOp, [c.Input(0)], c.Output(0), OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")), OnnxAttribute.Int("keepdims", keep), OnnxAttribute.Int("select_last_index", 0));
    };

    // Any/All: the truth values as int32 (ONNX's ReduceMax/Min take no bool before opset 20), reduced, cast to the
    // traced dtype (Bool, or UInt8 for UInt8 input as torch 1.13).
    private static OnnxLowering TruthReduction(string reduceOp) => c =>
    {
        var truth = c.CastTo(c.InputAs(0, DType.Bool), DType.Int32);
        var dims = c.Op.Attributes.GetInts("dims");
        if (dims.Length == 0)
        {
            c.CastTo(truth, c.OutputDType(0), c.Output(0));
            return;
        }
        long keep = c.Op.Attributes.GetBool("keepDim") ? 1 : 0;
        var reduced = c.AddNode(reduceOp, [truth, c.ConstantInts([.. dims.Select(d => (long)d)])], null, OnnxAttribute.Int("keepdims", keep));
        c.CastTo(reduced, c.OutputDType(0), c.Output(0));
    };

    // Sort (k = the dim's size, read at run time so a batch-following dim works) and TopK as ONNX's TopK, which is
    // sorted and puts the lower index first among equal values, as MiniTorch's stable sort does.
    private static void Selection(OnnxLoweringContext c, bool largest, int? k)
    {
        if (c.InputShape(0).Length == 0)
        {
            c.AddNode("Identity", [c.Input(0)], c.Output(0));
            c.AddNode("Identity", [c.ConstantScalar(0, DType.Int64)], c.Output(1));
            return;
        }
        int dim = c.Op.Attributes.GetInt("dim");
        var count = k is int fixedK
            ? c.ConstantInts(fixedK)
            : c.AddNode("Shape", [c.Input(0)], null, OnnxAttribute.Int("start", dim), OnnxAttribute.Int("end", dim + 1));
        c.AddNodeWithOutputs("TopK", [c.Input(0), count], [c.Output(0), c.Output(1)],
            OnnxAttribute.Int("axis", dim), OnnxAttribute.Int("largest", largest ? 1 : 0), OnnxAttribute.Int("sorted", 1));
    }
}
