using MiniTorch.NN;

namespace MiniTorch.Onnx;

// Elementwise arithmetic (numpy broadcasting, as MiniTorch's ops), activations, comparisons, Where, Cast, Clip.
internal static partial class ImportOps
{
    private static void AddElementwise(Dictionary<string, OnnxOpImporter> table)
    {
        table["Add"] = Binary((a, b) => a + b);
        table["Sub"] = Binary((a, b) => a - b);
        table["Mul"] = Binary((a, b) => a * b);
        table["Div"] = c =>
        {
            c.OnlyAttributes();
            // Integer division truncates toward zero in ONNX (C semantics).
            return (x, _) => One(x[0]!.Value.IsFloat ? Like(x[0]!.Value, Data(x[0]) / Data(x[1])) : Like(x[0]!.Value, Truncate(Data(x[0]) / Data(x[1]))));
        };
        table["Pow"] = Binary((a, b) => a.Pow(b.DType == a.DType ? b : b.To(a.DType)));
        table["Max"] = Variadic(Tensor.Maximum);
        table["Min"] = Variadic(Tensor.Minimum);
        table["Sum"] = Variadic((a, b) => a + b);
        table["Neg"] = Unary(x => x.Neg());
        table["Exp"] = Unary(x => x.Exp());
        table["Log"] = Unary(x => x.Log());
        table["Sqrt"] = Unary(x => x.Sqrt());
        table["Abs"] = Unary(x => x.Abs());
        table["Sin"] = Unary(x => x.Sin());
        table["Cos"] = Unary(x => x.Cos());
        table["Tanh"] = Unary(x => x.Tanh());
        table["Sigmoid"] = Unary(x => x.Sigmoid());
        table["Sign"] = Unary(x => x.Sign());
        table["Erf"] = Unary(x => x.Erf());
        table["Relu"] = Unary(x => x.Relu());
        table["Reciprocal"] = Unary(x => 1.0 / x);
        table["Identity"] = Unary(x => x);
        table["LeakyRelu"] = c =>
        {
            c.OnlyAttributes("alpha");
            double alpha = c.Float("alpha", 0.01f);
            return (x, _) => One(Like(x[0]!.Value, Data(x[0]).LeakyRelu(alpha)));
        };
        table["Gelu"] = c =>
        {
            c.OnlyAttributes("approximate");
            var approximate = c.String("approximate", "none") switch
            {
                "none" => GeluApproximation.None,
                "tanh" => GeluApproximation.Tanh,
                var other => throw c.Unsupported($"approximate='{other}' is not supported"),
            };
            return (x, _) => One(Like(x[0]!.Value, Functional.Gelu(Data(x[0]), approximate)));
        };
        table["Clip"] = Clip;
        foreach (var (op, compare) in new (string, Func<Tensor, Tensor, Tensor>)[]
        {
            ("Equal", (a, b) => a.Eq(b)), ("Less", (a, b) => a.Lt(b)), ("LessOrEqual", (a, b) => a.Le(b)),
            ("Greater", (a, b) => a.Gt(b)), ("GreaterOrEqual", (a, b) => a.Ge(b)),
        })
        {
            table[op] = c =>
            {
                c.OnlyAttributes();
                return (x, _) => One(new ImportedValue(compare(Data(x[0]), Data(x[1])), OnnxElement.Bool));
            };
        }
        table["Not"] = c => (x, _) => One(new ImportedValue(Data(x[0]).LogicalNot(), OnnxElement.Bool));
        table["Where"] = c => (x, _) =>
        {
            var a = x[1]!.Value;
            return One(Like(a, Tensor.Where(Data(x[0]).DType == DType.Bool ? Data(x[0]) : Data(x[0]).To(DType.Bool), a.Data, Data(x[2]))));
        };
        table["Cast"] = Cast;
    }

    private static OnnxOpImporter Unary(Func<Tensor, Tensor> f) => c =>
    {
        c.OnlyAttributes();
        return (x, _) => One(Like(x[0]!.Value, f(Data(x[0]))));
    };

    private static OnnxOpImporter Binary(Func<Tensor, Tensor, Tensor> f) => c =>
    {
        // Opset < 7 had broadcast/axis attributes; from 7 broadcasting is numpy's, as MiniTorch's.
        c.OnlyAttributes();
        return (x, _) => One(Like(x[0]!.Value, f(Data(x[0]), Data(x[1]))));
    };

    private static OnnxOpImporter Variadic(Func<Tensor, Tensor, Tensor> f) => c =>
    {
        c.OnlyAttributes();
        return (x, _) =>
        {
            var result = Data(x[0]);
            for (int i = 1; i < x.Length; i++)
            {
                result = f(result, Data(x[i]));
            }
            return One(Like(x[0]!.Value, result));
        };
    };

    private static NodeKernel Clip(NodeImportContext c)
    {
        if (c.Opset < 11)
        {
            // Opsets 6-10: min and max are attributes (default ∓ the largest float).
            c.OnlyAttributes("min", "max");
            double? min = c.HasAttribute("min") ? c.Float("min", 0) : null;
            double? max = c.HasAttribute("max") ? c.Float("max", 0) : null;
            return (x, _) => One(Like(x[0]!.Value, Clamp(Data(x[0]), min, max)));
        }
        c.OnlyAttributes();
        return (x, _) => One(Like(x[0]!.Value, Clamp(Data(x[0]), Scalar(x.Length > 1 ? x[1] : null), Scalar(x.Length > 2 ? x[2] : null))));
    }

    private static Tensor Clamp(Tensor x, double? min, double? max) => min is null && max is null ? x : x.Clamp(min, max);

    private static NodeKernel Cast(NodeImportContext c)
    {
        c.OnlyAttributes("to", "saturate");
        var to = (OnnxElement)c.Int("to", 0);
        if (!Enum.IsDefined(to))
        {
            throw c.Unsupported($"Cast to element type {(global::Onnx.TensorProto.Types.DataType)c.Int("to", 0)} is not supported (float, double, int64, int32, bool)");
        }
        return (x, _) =>
        {
            var v = x[0]!.Value;
            var data = v.Data;
            return One(to switch
            {
                OnnxElement.Float => new ImportedValue(data.DType == DType.Float32 ? data : data.To(DType.Float32), to),
                OnnxElement.Double => new ImportedValue(data.DType == DType.Float64 ? data : data.To(DType.Float64), to),
                OnnxElement.Bool => new ImportedValue(data.Ne(0), to),
                _ => new ImportedValue(v.IsFloat ? Truncate(data.To(DType.Float64)) : data, to),
            });
        };
    }

    /// <summary>Rounds toward zero (a float-to-integer cast, integer division); not differentiable, as in ONNX.</summary>
    private static Tensor Truncate(Tensor x)
    {
        var values = x.ToDoubleArray();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Truncate(values[i]);
        }
        return Tensor.FromArray(values, x.Shape).To(x.DType);
    }
}
