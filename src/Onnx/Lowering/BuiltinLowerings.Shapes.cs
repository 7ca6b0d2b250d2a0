namespace MiniTorch.Onnx;

// Shape ops. Reshape and Expand take a target shape; a dim that follows the batch cannot be written as a number,
// so it is written as 0 (copy the input's dim), -1 (infer), or 1 (keep the input's dim, for Expand).
internal static partial class BuiltinLowerings
{
    private static void AddShapes(Dictionary<string, OnnxLowering> table)
    {
        table["Reshape"] = Reshape;
        table["Expand"] = Expand;
        table["Transpose"] = c =>
        {
            var perm = Enumerable.Range(0, c.InputShape(0).Length).ToArray();
            int a = c.Op.Attributes.GetInt("dim0"), b = c.Op.Attributes.GetInt("dim1");
            (perm[a], perm[b]) = (perm[b], perm[a]);
            c.AddNode("Transpose", [c.Input(0)], c.Output(0), OnnxAttribute.Ints("perm", perm));
        };
        table["Permute"] = c => c.AddNode("Transpose", [c.Input(0)], c.Output(0), OnnxAttribute.Ints("perm", c.Op.Attributes.GetInts("dims")));
        table["Narrow"] = c =>
        {
            long start = c.Op.Attributes.GetInt("start");
            long end = start + c.Op.Attributes.GetInt("length");
            c.AddNode("Slice", [c.Input(0), c.ConstantInts(start), c.ConstantInts(end), c.ConstantInts(c.Op.Attributes.GetInt("dim"))], c.Output(0));
        };
        table["Cat"] = c => c.AddNode("Concat", AllInputs(c), c.Output(0), OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")));
        table["Clone"] = Direct("Identity");
        table["Detach"] = Direct("Identity");
        table["To"] = c => c.CastTo(c.Input(0), c.OutputDType(0), c.Output(0));
    }

    private static void Reshape(OnnxLoweringContext c)
    {
        var input = c.InputValue(0);
        var output = c.OutputValue(0);
        var target = output.Shape.Select(d => (long)d).ToArray();
        var unresolved = new List<int>();
        for (int d = 0; d < output.Rank; d++)
        {
            if (!output.IsDynamic(d))
            {
                continue;
            }
            // The same batch-following dim at the same position: ONNX's 0 copies it from the input.
            bool copied = d < input.Rank && input.IsDynamic(d) && input.Shape[d] == output.Shape[d] && input.SecondShape[d] == output.SecondShape[d];
            if (copied)
            {
                target[d] = 0;
            }
            else
            {
                unresolved.Add(d);
            }
        }
        if (unresolved.Count > 1)
        {
            throw c.Error($"the reshape from {OnnxShapes.Format(input.Shape)} to {OnnxShapes.Format(output.Shape)} has {unresolved.Count} dims that follow the batch size (dims {string.Join(", ", unresolved)}); ONNX's Reshape can infer only one. Reshape so that the batch stays one dim, or export with DynamicBatch = false.");
        }
        if (unresolved.Count == 1)
        {
            target[unresolved[0]] = -1;
        }
        c.AddNode("Reshape", [c.Input(0), c.ConstantInts(target)], c.Output(0));
    }

    private static void Expand(OnnxLoweringContext c)
    {
        var input = c.InputValue(0);
        var output = c.OutputValue(0);
        int lead = output.Rank - input.Rank;
        var target = new long[output.Rank];
        for (int d = 0; d < output.Rank; d++)
        {
            bool kept = d >= lead && input.Shape[d - lead] == output.Shape[d] && input.SecondShape[d - lead] == output.SecondShape[d];
            if (kept)
            {
                target[d] = 1; // ONNX's Expand broadcasts: 1 keeps the input's size, batch-following or not
            }
            else if (output.IsDynamic(d))
            {
                throw c.Error($"expanding {OnnxShapes.Format(input.Shape)} to {OnnxShapes.Format(output.Shape)} creates dim {d}, which follows the batch size, from a fixed size; write it as a broadcasting op (e.g. x + zeros) or export with DynamicBatch = false.");
            }
            else
            {
                target[d] = output.Shape[d];
            }
        }
        c.AddNode("Expand", [c.Input(0), c.ConstantInts(target)], c.Output(0));
    }
}
