namespace MiniTorch.Onnx;

// Indexing ops. MiniTorch's indices are Int64, as ONNX's; the lowerings still cast (a no-op Cast for Int64) so that an
// index computed in another dtype exports too.
internal static partial class BuiltinLowerings
{
    private static void AddIndexing(Dictionary<string, OnnxLowering> table)
    {
        table["Where"] = c =>
        {
            // A mask is "true" where non-zero, in MiniTorch and in ONNX's float-to-bool Cast alike.
            var condition = c.AddNode("Cast", [c.Input(0)], null, OnnxAttribute.Int("to", ProtoFactory.Bool));
            c.AddNode("Where", [condition, c.Input(1), c.Input(2)], c.Output(0));
        };
        table["Gather"] = c =>
            c.AddNode("GatherElements", [c.Input(0), c.ToIndices(c.Input(1))], c.Output(0), OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")));
        table["ScatterAdd"] = c =>
            c.AddNode("ScatterElements", [c.Input(0), c.ToIndices(c.Input(1)), c.Input(2)], c.Output(0),
                OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")), OnnxAttribute.String("reduction", "add"));
        table["Scatter"] = c =>
            c.AddNode("ScatterElements", [c.Input(0), c.ToIndices(c.Input(1)), c.Input(2)], c.Output(0), OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")));
        table["IndexSelect"] = IndexSelect;
        table["IndexAdd"] = IndexAdd;
        table["Embedding"] = c => c.AddNode("Gather", [c.Input(1), c.ToIndices(c.Input(0))], c.Output(0), OnnxAttribute.Int("axis", 0));
    }

    private static void IndexSelect(OnnxLoweringContext c)
    {
        if (c.InputShape(0).Length == 0)
        {
            throw c.Error("index selection from a 0-d tensor has no ONNX Gather form; select from a tensor of rank ≥ 1.");
        }
        // A 0-d index keeps its dim (size 1) in MiniTorch, as a 1-element index does in ONNX's Gather.
        var indices = c.ToIndices(c.InputShape(1).Length == 0 ? c.AddNode("Reshape", [c.Input(1), c.ConstantInts(1)]) : c.Input(1));
        c.AddNode("Gather", [c.Input(0), indices], c.Output(0), OnnxAttribute.Int("axis", c.Op.Attributes.GetInt("dim")));
    }

    private static void IndexAdd(OnnxLoweringContext c)
    {
        int rank = c.InputShape(0).Length;
        if (rank == 0)
        {
            throw c.Error("IndexAdd into a 0-d tensor has no ONNX ScatterElements form; use a tensor of rank ≥ 1.");
        }
        int dim = c.Op.Attributes.GetInt("dim");
        // ScatterElements wants an index per source element: the 1-D index laid along dim, broadcast to the source's
        // runtime shape (so a batch-sized source works at any batch size).
        var view = Enumerable.Repeat(1L, rank).ToArray();
        view[dim] = -1;
        var column = c.AddNode("Reshape", [c.ToIndices(c.Input(1)), c.ConstantInts(view)]);
        var spread = c.AddNode("Expand", [column, c.AddNode("Shape", [c.Input(2)])]);
        c.AddNode("ScatterElements", [c.Input(0), spread, c.Input(2)], c.Output(0), OnnxAttribute.Int("axis", dim), OnnxAttribute.String("reduction", "add"));
    }
}
