using System.Text.Json;

namespace MiniTorch.Tests.Golden;

/// <summary>
/// Type promotion and integer/bool arithmetic against PyTorch 1.13, row by row from the one golden file
/// (<see cref="DTypeGolden"/>): torch.result_type for every pair of operand kinds and dtypes, binary and unary ops on
/// integer and bool tensors (wrap-around, Python's floor division and remainder, true division to float, comparisons
/// to Bool), reductions (Sum of ints to Int64, Mean refused, Any/All, Cumsum), in-place promotion and its refusals,
/// and the dtype of each gradient. A row whose call has no C# form (a Python-only signature, an op MiniTorch does not
/// have, or another helper's op) is listed in <see cref="Unsupported"/> with the reason, so every row is either checked
/// or named.
/// </summary>
public class DTypeArithmeticGoldenTests
{
    public static TheoryData<int> ResultTypeRows() => Indices("result_type");

    public static TheoryData<int> ArithmeticRows() => Indices("arithmetic");

    public static TheoryData<int> ReductionRows() => Indices("reductions");

    public static TheoryData<int> InPlaceRows() => Indices("inplace");

    public static TheoryData<int> AutogradRows() => Indices("autograd");

    [Theory]
    [MemberData(nameof(ResultTypeRows))]
    public void ResultTypeMatchesTorch(int index)
    {
        var row = DTypeGolden.Section("result_type")[index];
        var a = row.GetProperty("a");
        var b = row.GetProperty("b");
        if (a.GetProperty("kind").GetString() == "scalar" && b.GetProperty("kind").GetString() == "scalar")
        {
            // Two C# scalars have no tensor to call ResultType on; the rule is in ResultType(Tensor, …) and PromoteTypes.
            return;
        }
        // Under the default dtype float32; the float64 column is checked where the default is changed (DefaultFloat64ResultTypeTests).
        Assert.Equal(DTypeGolden.ParseDType(row.GetProperty("result").GetString()!), ResultTypeOf(a, b));
    }

    /// <summary>Tensor.ResultType for two operands of the row (a tensor first: result_type is symmetric).</summary>
    internal static DType ResultTypeOf(JsonElement a, JsonElement b)
    {
        if (a.GetProperty("kind").GetString() == "scalar")
        {
            (a, b) = (b, a);
        }
        var t = Operand(a);
        return b.GetProperty("kind").GetString() switch
        {
            "scalar" => b.GetProperty("dtype").GetString() switch
            {
                "long" => Tensor.ResultType(t, 2L),
                "bool" => Tensor.ResultType(t, true),
                _ => Tensor.ResultType(t, 2.5),
            },
            _ => Tensor.ResultType(t, Operand(b)),
        };
    }

    private static Tensor Operand(JsonElement spec)
    {
        var dtype = DTypeGolden.ParseDType(spec.GetProperty("dtype").GetString()!);
        return spec.GetProperty("kind").GetString() == "tensor" ? Tensor.Zeros([2], dtype) : Tensor.Zeros([], dtype);
    }

    [Fact]
    public void TwoScalarsAndTheDefaultDType_FollowTheTable()
    {
        // The scalar-scalar rows (no C# call): the categories of PromoteTypes plus the default dtype for a double.
        foreach (var row in DTypeGolden.Section("result_type"))
        {
            var a = row.GetProperty("a");
            var b = row.GetProperty("b");
            if (a.GetProperty("kind").GetString() != "scalar" || b.GetProperty("kind").GetString() != "scalar")
            {
                continue;
            }
            var expected = DTypeGolden.ParseDType(row.GetProperty("result").GetString()!);
            var da = ScalarDType(a.GetProperty("dtype").GetString()!);
            var db = ScalarDType(b.GetProperty("dtype").GetString()!);
            Assert.Equal(expected, Tensor.PromoteTypes(da, db));
        }
    }

    private static DType ScalarDType(string kind) => kind switch
    {
        "long" => DType.Int64,
        "bool" => DType.Bool,
        _ => Tensor.GetDefaultDType(),
    };

    [Theory]
    [MemberData(nameof(ArithmeticRows))]
    public void ArithmeticMatchesTorch(int index) => Check(DTypeGolden.Section("arithmetic")[index], ArithmeticCall);

    [Theory]
    [MemberData(nameof(ReductionRows))]
    public void ReductionMatchesTorch(int index) => Check(DTypeGolden.Section("reductions")[index], ReductionCall);

    [Theory]
    [MemberData(nameof(InPlaceRows))]
    public void InPlaceMatchesTorch(int index) => Check(DTypeGolden.Section("inplace")[index], InPlaceCall);

    [Theory]
    [MemberData(nameof(AutogradRows))]
    public void GradientDTypesMatchTorch(int index)
    {
        var row = DTypeGolden.Section("autograd")[index];
        string op = row.GetProperty("op").GetString()!;
        var inputs = row.GetProperty("inputs").EnumerateArray().Select(DTypeGolden.ParseTensor).ToArray();
        var flags = row.GetProperty("requires_grad").EnumerateArray().Select(x => x.GetBoolean()).ToArray();
        foreach (var t in inputs)
        {
            if (t.DType.IsFloatingPoint())
            {
                t.RequiresGrad = true;
            }
        }
        Tensor? output = op switch
        {
            "mul" => inputs[0] * inputs[1],
            "add" => inputs[0] + inputs[1],
            "div" => inputs[0] / inputs[1],
            "pow" => Tensor.Pow(inputs[0], inputs[1]),
            "where" => Tensor.Where(inputs[0], inputs[1], inputs[2]),
            "cat" => Tensor.Cat(inputs),
            "stack" => Tensor.Stack(inputs),
            "masked_fill" => inputs[0].MaskedFill(inputs[1], 7),
            "gt" => inputs[0].Gt(0),
            "to_float32" => inputs[0].To(DType.Float32),
            "to_int64" => inputs[0].To(DType.Int64),
            _ => null, // index ops, losses and max(dim)/sort: dtype-index's rows
        };
        if (output is null)
        {
            return;
        }
        var what = DTypeGolden.Describe(row);
        DTypeGolden.AssertEqual(row.GetProperty("output")[0], output, what);
        Assert.Equal(flags[0], output.RequiresGrad);
        Assert.Equal(row.GetProperty("has_grad_fn")[0].GetBoolean(), output.GradFn is not null);
        if (!flags[0])
        {
            return;
        }
        var weights = Tensor.Arange(1.0, output.Numel + 1.0, dtype: output.DType).Reshape(output.Shape);
        (output * weights).Sum().Backward();
        var grads = row.GetProperty("grads").EnumerateArray().ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (grads[i].ValueKind == JsonValueKind.Null)
            {
                Assert.Null(inputs[i].Grad);
            }
            else
            {
                DTypeGolden.AssertEqual(grads[i], inputs[i].Grad!, $"{what} gradient {i}");
            }
        }
    }

    [Theory]
    [InlineData("arithmetic", 403)]
    [InlineData("reductions", 48)]
    [InlineData("inplace", 342)]
    public void MostRowsAreChecked_TheRestNamedWithAReason(string section, int atLeast)
    {
        // Guards the skip list: a mapping lost to a too-broad Unsupported rule would silently stop checking rows.
        int checkedRows = 0;
        foreach (var row in DTypeGolden.Section(section))
        {
            if (Unsupported(row, row.GetProperty("op").GetString()!, Operands(row)) is null)
            {
                checkedRows++;
            }
        }
        Assert.True(checkedRows >= atLeast, $"{section}: only {checkedRows} rows checked, expected at least {atLeast}");
    }

    /// <summary>Calls the row's op, then compares with PyTorch's output or checks that PyTorch's error is raised too.</summary>
    private static void Check(JsonElement row, Func<string, object[], JsonElement, Tensor?> call)
    {
        string op = row.GetProperty("op").GetString()!;
        var operands = Operands(row);
        string what = DTypeGolden.Describe(row);
        if (Unsupported(row, op, operands) is not null)
        {
            return;
        }
        if (row.TryGetProperty("error", out var error))
        {
            string message = row.GetProperty("message").GetString()!;
            var thrown = Record.Exception(() => call(op, operands, row));
            Assert.True(thrown is not null, $"{what}: expected PyTorch's {error.GetString()} \"{message}\"");
            if (message == "ZeroDivisionError")
            {
                Assert.IsType<DivideByZeroException>(thrown);
            }
            else if (message.StartsWith("result type ", StringComparison.Ordinal))
            {
                // PyTorch's text, but for the C type names some 1.13 messages print (long int, unsigned char).
                Assert.Contains(message.Split(" to the desired output type ")[0], thrown.Message, StringComparison.Ordinal);
                Assert.Contains("can't be cast to the desired output type", thrown.Message, StringComparison.Ordinal);
            }
            else if (message.StartsWith("Subtraction", StringComparison.Ordinal) || message.StartsWith("Negation", StringComparison.Ordinal)
                || message.StartsWith("mean()", StringComparison.Ordinal) || message.StartsWith("Integers to negative", StringComparison.Ordinal))
            {
                Assert.Contains(message.Split('.')[0], thrown.Message, StringComparison.OrdinalIgnoreCase);
            }
            else
            {
                Assert.True(thrown is NotSupportedException or ArgumentException, $"{what}: threw {thrown.GetType().Name}: {thrown.Message}");
            }
            return;
        }
        var result = call(op, operands, row);
        Assert.NotNull(result);
        var expected = row.GetProperty("output");
        DTypeGolden.AssertEqual(expected.ValueKind == JsonValueKind.Array ? expected[0] : expected, result, what);
    }

    private static object[] Operands(JsonElement row)
    {
        if (row.TryGetProperty("inputs", out var inputs))
        {
            return [.. inputs.EnumerateArray().Select(DTypeGolden.Operand)];
        }
        var list = new List<object> { DTypeGolden.ParseTensor(row.GetProperty("self")) };
        if (row.TryGetProperty("mask", out var mask))
        {
            list.Add(DTypeGolden.ParseTensor(mask));
        }
        if (row.TryGetProperty("other", out var other))
        {
            list.Add(DTypeGolden.Operand(other));
        }
        return [.. list];
    }

    /// <summary>Why a row has no C# counterpart, or null when it is checked.</summary>
    internal static string? Unsupported(JsonElement row, string op, object[] operands)
    {
        if (row.TryGetProperty("error", out var e) && e.GetString() == "TypeError")
        {
            return "a Python signature error (e.g. logical_and with a scalar): C#'s overloads decide at compile time";
        }
        if (row.TryGetProperty("error", out e) && e.GetString() == "Signal")
        {
            return "INT64_MIN // -1 kills torch 1.13 (SIGFPE); MiniTorch's answer is asserted in IntegerSemanticsTests";
        }
        if (op is "fmod" or "div_trunc" or "div_floor" or "rfloordiv_scalar" or "prod" or "cumprod" or "amax" or "count_nonzero" or "add_out"
            or "floor_divide_" or "remainder_" or "bitwise_and_" or "logical_and_")
        {
            return "no such MiniTorch op or overload (fmod, rounding modes, prod/cumprod, amax, out=, these in-place forms)";
        }
        if (op is "argmax" or "argmin" or "sort" or "argsort" or "topk" or "unique" or "nonzero" or "bincount")
        {
            return "index ops: dtype-index's rows";
        }
        if ((op is "max" or "min") && row.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("dim", out _))
        {
            return "Max(dim)/Min(dim) return indices: dtype-index's rows";
        }
        if (row.TryGetProperty("params", out var prm) && prm.ValueKind == JsonValueKind.Object
            && (prm.TryGetProperty("dtype", out _) || (prm.TryGetProperty("min", out var m) && m.ValueKind == JsonValueKind.Object)))
        {
            return "an explicit dtype= argument or tensor clamp bounds: no such overload";
        }
        if (operands.Length > 0 && operands[0] is not Tensor)
        {
            return "a scalar first operand of pow: no Pow(long, Tensor) overload";
        }
        if (operands.Length > 1 && operands[^1] is bool && op is not ("bitwise_and" or "bitwise_or" or "bitwise_xor"))
        {
            return "a bool scalar operand: C# has bool scalar overloads only for the bitwise operators";
        }
        if (operands.Length > 1 && operands[^1] is double && op is "bitwise_and" or "bitwise_or" or "bitwise_xor")
        {
            return "a double scalar operand of a bitwise op: no such overload (C# refuses it at compile time)";
        }
        return null;
    }

    private static Tensor? ArithmeticCall(string op, object[] x, JsonElement row)
    {
        var a = (Tensor)x[0];
        object b = x.Length > 1 ? x[1] : null!;
        return op switch
        {
            "add" => b switch { Tensor t => a + t, long l => a + l, double d => a + d, _ => null },
            "sub" => b switch { Tensor t => a - t, long l => a - l, double d => a - d, _ => null },
            "mul" => b switch { Tensor t => a * t, long l => a * l, double d => a * d, _ => null },
            "div" => b switch { Tensor t => a / t, long l => a / l, double d => a / d, _ => null },
            "rsub_scalar" => (long)b - a,
            "floor_divide" => b switch { Tensor t => Tensor.FloorDivide(a, t), long l => Tensor.FloorDivide(a, l), double d => Tensor.FloorDivide(a, d), _ => null },
            "remainder" => b switch { Tensor t => a % t, long l => a % l, double d => a % d, _ => null },
            "maximum" => Tensor.Maximum(a, (Tensor)b),
            "minimum" => Tensor.Minimum(a, (Tensor)b),
            "bitwise_and" => b switch { Tensor t => a & t, long l => a & l, bool v => a & v, _ => null },
            "bitwise_or" => b switch { Tensor t => a | t, long l => a | l, bool v => a | v, _ => null },
            "bitwise_xor" => b switch { Tensor t => a ^ t, long l => a ^ l, bool v => a ^ v, _ => null },
            "logical_and" => Tensor.LogicalAnd(a, (Tensor)b),
            "logical_or" => Tensor.LogicalOr(a, (Tensor)b),
            "logical_xor" => Tensor.LogicalXor(a, (Tensor)b),
            "eq" => b switch { Tensor t => a.Eq(t), long l => a.Eq(l), double d => a.Eq(d), _ => null },
            "ne" => b switch { Tensor t => a.Ne(t), long l => a.Ne(l), double d => a.Ne(d), _ => null },
            "lt" => b switch { Tensor t => a < t, long l => a < l, double d => a < d, _ => null },
            "le" => b switch { Tensor t => a <= t, long l => a <= l, double d => a <= d, _ => null },
            "gt" => b switch { Tensor t => a > t, long l => a > l, double d => a > d, _ => null },
            "ge" => b switch { Tensor t => a >= t, long l => a >= l, double d => a >= d, _ => null },
            "neg" => -a,
            "abs" => a.Abs(),
            "sign" => a.Sign(),
            "bitwise_not" => ~a,
            "logical_not" => !a,
            "pow" => b switch { Tensor t => Tensor.Pow(a, t), long l => a.Pow(l), double d => a.Pow(d), _ => null },
            "clamp" => Clamp(a, row.GetProperty("params")),
            "sum" => a.Sum(),
            _ => throw new InvalidOperationException($"dtypes.json arithmetic op {op} has no mapping: add one or list it in Unsupported"),
        };
    }

    /// <summary>Clamp with the row's bounds: integer JSON numbers as long bounds, fractional ones as double bounds.</summary>
    private static Tensor Clamp(Tensor a, JsonElement p)
    {
        bool has(string n, out JsonElement v) => p.TryGetProperty(n, out v);
        bool integral = (!has("min", out var lo) || lo.TryGetInt64(out _)) && (!has("max", out var hi) || hi.TryGetInt64(out _));
        has("min", out lo);
        has("max", out hi);
        return integral
            ? a.Clamp(lo.ValueKind == JsonValueKind.Undefined ? null : lo.GetInt64(), hi.ValueKind == JsonValueKind.Undefined ? null : hi.GetInt64())
            : a.Clamp(lo.ValueKind == JsonValueKind.Undefined ? null : lo.GetDouble(), hi.ValueKind == JsonValueKind.Undefined ? null : hi.GetDouble());
    }

    private static Tensor? ReductionCall(string op, object[] x, JsonElement row)
    {
        var a = (Tensor)x[0];
        int? dim = row.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("dim", out var d) ? d.GetInt32() : null;
        bool keepDim = p.ValueKind == JsonValueKind.Object && p.TryGetProperty("keepdim", out var k) && k.GetBoolean();
        return op switch
        {
            "sum" => dim is int s ? a.Sum(s, keepDim) : a.Sum(),
            "mean" => dim is int m ? a.Mean(m, keepDim) : a.Mean(),
            "max" => a.Max(),
            "min" => a.Min(),
            "any" => dim is int y ? a.Any(y, keepDim) : a.Any(),
            "all" => dim is int l ? a.All(l, keepDim) : a.All(),
            "cumsum" => a.Cumsum(dim!.Value),
            _ => throw new InvalidOperationException($"dtypes.json reduction op {op} has no mapping: add one or list it in Unsupported"),
        };
    }

    private static Tensor? InPlaceCall(string op, object[] x, JsonElement row)
    {
        var self = (Tensor)x[0];
        object other = x[^1];
        Tensor r = op switch
        {
            "add_" => other switch { Tensor t => self.AddInPlace(t), long l => self.AddInPlace(l), _ => self.AddInPlace((double)other) },
            "sub_" => other switch { Tensor t => self.SubInPlace(t), long l => self.SubInPlace(l), _ => self.SubInPlace((double)other) },
            "mul_" => other switch { Tensor t => self.MulInPlace(t), long l => self.MulInPlace(l), _ => self.MulInPlace((double)other) },
            "div_" => other switch { Tensor t => self.DivInPlace(t), long l => self.DivInPlace(l), _ => self.DivInPlace((double)other) },
            // copy_ of a Python scalar is fill_ in C#.
            "copy_" => other switch { Tensor t => self.CopyFromInPlace(t), long l => self.FillInPlace(l), bool v => self.FillInPlace(v ? 1 : 0), _ => self.FillInPlace((double)other) },
            "clamp_" => self.ClampInPlace(row.GetProperty("params").GetProperty("min").GetDouble(), row.GetProperty("params").GetProperty("max").GetDouble()),
            "masked_fill_" => self.MaskedFillInPlace((Tensor)x[1], other switch { long l2 => l2, bool v => v ? 1 : 0, _ => (double)other }),
            _ => throw new InvalidOperationException($"dtypes.json in-place op {op} has no mapping: add one or list it in Unsupported"),
        };
        Assert.Same(self, r);
        return r;
    }

    private static TheoryData<int> Indices(string section)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < DTypeGolden.Section(section).Count; i++)
        {
            data.Add(i);
        }
        return data;
    }
}
