namespace MiniTorch.Onnx;

// Elementwise arithmetic, math functions, activations and comparisons (Bool results, as ONNX's). Scalar operands were traced as 0-d constants,
// so x * 2 and x * y lower alike; ONNX broadcasts as MiniTorch does (numpy rules).
internal static partial class BuiltinLowerings
{
    private static void AddElementwise(Dictionary<string, OnnxLowering> table)
    {
        foreach (var (ours, theirs) in new[]
        {
            ("Add", "Add"), ("Sub", "Sub"), ("Mul", "Mul"), ("Div", "Div"), ("Pow", "Pow"),
            ("Maximum", "Max"), ("Minimum", "Min"),
            ("Neg", "Neg"), ("Exp", "Exp"), ("Log", "Log"), ("Sqrt", "Sqrt"), ("Abs", "Abs"), ("Sin", "Sin"), ("Cos", "Cos"),
            ("Tanh", "Tanh"), ("Sigmoid", "Sigmoid"), ("Sign", "Sign"), ("Erf", "Erf"), ("Relu", "Relu"),
            ("Matmul", "MatMul"),
        })
        {
            table[ours] = Direct(theirs);
        }
        // Bool arithmetic (True + True is True in PyTorch) is logical: ONNX's Add/Mul/Max/Min take no bool.
        foreach (var (ours, theirs, logical) in new[] { ("Add", "Add", "Or"), ("Mul", "Mul", "And"), ("Maximum", "Max", "Or"), ("Minimum", "Min", "And") })
        {
            table[ours] = c => c.AddNode(c.OutputDType(0) == DType.Bool ? logical : theirs, [c.Input(0), c.Input(1)], c.Output(0));
        }
        table["LeakyRelu"] = c => c.AddNode("LeakyRelu", [c.Input(0)], c.Output(0), OnnxAttribute.Float("alpha", c.Op.Attributes.GetDouble("negativeSlope")));
        table["Clamp"] = Clamp;
        table["Gelu"] = c => c.AddNode("Gelu", [c.Input(0)], c.Output(0), OnnxAttribute.String("approximate", c.Op.Attributes.GetString("approximate")));
        // Comparisons give Bool in MiniTorch and ONNX alike. ONNX's Less/Greater family takes no bool operands: Bool
        // ones are compared as int32 (false < true, as PyTorch orders them).
        foreach (var (ours, theirs) in new[] { ("Eq", "Equal"), ("Lt", "Less"), ("Le", "LessOrEqual"), ("Gt", "Greater"), ("Ge", "GreaterOrEqual") })
        {
            table[ours] = c => Compare(c, theirs, c.Output(0));
        }
        table["Ne"] = c => c.AddNode("Not", [Compare(c, "Equal", null)], c.Output(0));
        // ReLU's fused backward, as the composite it replaces: g · Cast(y > 0).
        table["ReluGrad"] = c => c.AddNode("Mul", [c.Input(0), c.CastTo(c.AddNode("Greater", [c.Input(1), c.ConstantScalar(0, c.InputDType(1))]), c.InputDType(0))], c.Output(0));
    }

    private static string Compare(OnnxLoweringContext c, string onnxOp, string? output)
    {
        bool ordered = onnxOp != "Equal";
        string a = ordered && c.InputDType(0) == DType.Bool ? c.CastTo(c.Input(0), DType.Int32) : c.Input(0);
        string b = ordered && c.InputDType(1) == DType.Bool ? c.CastTo(c.Input(1), DType.Int32) : c.Input(1);
        string result = c.AddNode(onnxOp, [a, b], c.OutputDType(0) == DType.Bool ? output : null);
        // A comparison traced with a non-Bool output (none of MiniTorch's own) is cast to it.
        return c.OutputDType(0) == DType.Bool || output is null ? result : c.CastTo(result, c.OutputDType(0), output);
    }

    private static void Clamp(OnnxLoweringContext c)
    {
        var dtype = c.InputDType(0);
        double? min = c.Op.Attributes.GetNullableDouble("min");
        double? max = c.Op.Attributes.GetNullableDouble("max");
        var inputs = new List<string> { c.Input(0), min is double lo ? c.ConstantScalar(lo, dtype) : "" };
        if (max is double hi)
        {
            inputs.Add(c.ConstantScalar(hi, dtype));
        }
        c.AddNode("Clip", inputs, c.Output(0));
    }
}
