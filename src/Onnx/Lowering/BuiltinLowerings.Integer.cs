namespace MiniTorch.Onnx;

// The ops of integer and bool dtypes: logical and bitwise ops, floor division and remainder with Python's sign
// rules, and Nonzero. MiniTorch records a promoting op with its operands already converted (the To ops the trace
// shows), so each lowering sees operands of the result's dtype, except the logical ops, which take any dtype.
internal static partial class BuiltinLowerings
{
    private static void AddInteger(Dictionary<string, OnnxLowering> table)
    {
        // Logical ops read any dtype as truth values (non-zero is true), as ONNX's Cast to bool does.
        foreach (var (ours, theirs) in new[] { ("LogicalAnd", "And"), ("LogicalOr", "Or"), ("LogicalXor", "Xor") })
        {
            table[ours] = c => c.AddNode(theirs, [c.InputAs(0, DType.Bool), c.InputAs(1, DType.Bool)], c.Output(0));
        }
        table["LogicalNot"] = c => c.AddNode("Not", [c.InputAs(0, DType.Bool)], c.Output(0));
        // Bitwise ops: ONNX's Bitwise* (opset 18) on integers, its logical ops on Bool (where they agree).
        foreach (var (ours, bitwise, logical) in new[] { ("BitwiseAnd", "BitwiseAnd", "And"), ("BitwiseOr", "BitwiseOr", "Or"), ("BitwiseXor", "BitwiseXor", "Xor") })
        {
            table[ours] = c =>
            {
                var dtype = c.OutputDType(0);
                c.AddNode(dtype == DType.Bool ? logical : bitwise, [c.InputAs(0, dtype), c.InputAs(1, dtype)], c.Output(0));
            };
        }
        table["BitwiseNot"] = c => c.AddNode(c.OutputDType(0) == DType.Bool ? "Not" : "BitwiseNot", [c.Input(0)], c.Output(0));
        table["Remainder"] = c => c.AddNode("Identity", [Remainder(c, c.InputAs(0, c.OutputDType(0)), c.InputAs(1, c.OutputDType(0)))], c.Output(0));
        table["FloorDivide"] = FloorDivide;
        // MiniTorch's Nonzero is [count, rank] (torch.nonzero), ONNX's NonZero [rank, count].
        table["Nonzero"] = c => c.AddNode("Transpose", [c.AddNode("NonZero", [c.Input(0)])], c.Output(0), OnnxAttribute.Ints("perm", [1, 0]));
    }

    /// <summary>a mod b with the divisor's sign (Python's %, torch.remainder), as a value name.</summary>
    private static string Remainder(OnnxLoweringContext c, string a, string b)
    {
        var dtype = c.OutputDType(0);
        if (!dtype.IsFloatingPoint())
        {
            // Mod with fmod = 0 is exactly Python's integer remainder (the divisor's sign).
            return c.AddNode("Mod", [a, b], null, OnnxAttribute.Int("fmod", 0));
        }
        // ONNX's float Mod must be C's fmod (the dividend's sign); PyTorch's remainder adds b where the signs of
        // fmod and b differ (and fmod is not 0), which this reproduces exactly.
        var fmod = c.AddNode("Mod", [a, b], null, OnnxAttribute.Int("fmod", 1));
        var zero = c.ConstantScalar(0, dtype);
        var signsDiffer = c.AddNode("Xor", [c.AddNode("Less", [fmod, zero]), c.AddNode("Less", [b, zero])]);
        var adjust = c.AddNode("And", [signsDiffer, c.AddNode("Not", [c.AddNode("Equal", [fmod, zero])])]);
        return c.AddNode("Where", [adjust, c.AddNode("Add", [fmod, b]), fmod]);
    }

    private static void FloorDivide(OnnxLoweringContext c)
    {
        var dtype = c.OutputDType(0);
        var a = c.InputAs(0, dtype);
        var b = c.InputAs(1, dtype);
        // a − (a mod b) is a multiple of b, so its quotient is whole: exact truncating Div for integers; for floats
        // PyTorch's div_floor rounds that quotient to the nearest whole number, which Round does.
        var quotient = c.AddNode("Div", [c.AddNode("Sub", [a, Remainder(c, a, b)]), b]);
        c.AddNode(dtype.IsFloatingPoint() ? "Round" : "Identity", [quotient], c.Output(0));
    }
}
