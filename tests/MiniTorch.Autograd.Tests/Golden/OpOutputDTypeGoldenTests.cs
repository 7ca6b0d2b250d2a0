using System.Text.Json;

namespace MiniTorch.Tests.Golden;

/// <summary>
/// The dtype (and values) of each op's output for Int64, Int32, Bool and UInt8 inputs, against PyTorch 1.13 (the
/// <c>op_dtypes</c> section of <c>Golden/dtypes.json</c>, inputs [0, 1, 2, 3] and [True, False, True, True]): where
/// PyTorch promotes to float32 MiniTorch must too, where it keeps the integer dtype MiniTorch must, and where PyTorch
/// raises MiniTorch must raise a clear exception rather than compute something.
/// </summary>
public class OpOutputDTypeGoldenTests
{
    /// <summary>MiniTorch's form of each PyTorch call the generator made (the generator's UNARY_TABLE).</summary>
    private static readonly Dictionary<string, Func<Tensor, Tensor>> Ops = new()
    {
        ["exp"] = x => x.Exp(),
        ["log"] = x => x.Log(),
        ["sqrt"] = x => x.Sqrt(),
        ["sin"] = x => x.Sin(),
        ["cos"] = x => x.Cos(),
        ["tanh"] = x => x.Tanh(),
        ["sigmoid"] = x => x.Sigmoid(),
        ["erf"] = x => x.Erf(),
        ["square"] = x => x.Square(),
        ["sign"] = x => x.Sign(),
        ["abs"] = x => x.Abs(),
        ["neg"] = x => x.Neg(),
        ["relu"] = x => x.Relu(),
        ["leaky_relu"] = x => x.LeakyRelu(),
        ["gelu"] = x => x.Gelu(),
        ["softmax"] = x => x.Softmax(-1),
        ["log_softmax"] = x => x.LogSoftmax(-1),
        ["sum"] = x => x.Sum(),
        ["mean"] = x => x.Mean(),
        ["var"] = x => x.Var(),
        ["std"] = x => x.Std(),
        ["max"] = x => x.Max(),
        ["min"] = x => x.Min(),
        ["cumsum"] = x => x.Cumsum(0),
        ["logsumexp"] = x => x.LogSumExp(0),
        ["norm"] = x => x.Norm(),
        ["clamp"] = x => x.Clamp(0L, 1L),
        ["clamp_float"] = x => x.Clamp(0.5, 1.5),
        ["pow2"] = x => x.Pow(2L),
        ["pow_half"] = x => x.Pow(0.5),
        ["mm"] = x => Tensor.Mm(x.Reshape(2, 2), x.Reshape(2, 2)),
        ["matmul"] = x => Tensor.Matmul(x.Reshape(2, 2), x.Reshape(2, 2)),
        ["dot"] = x => Tensor.Dot(x, x),
        ["layer_norm"] = x => x.LayerNorm([4]),
        ["mul_float_scalar"] = x => x * 0.5,
        ["add_int_scalar"] = x => x + 1,
        ["div_int_scalar"] = x => x / 2,
        ["true_divide"] = x => Tensor.Div(x, x),
        ["gt0"] = x => x > 0,
        ["where_self"] = x => Tensor.Where(x > 0, x, 0L),
        ["rsub"] = x => 1 - x,
    };

    /// <summary>
    /// Where MiniTorch deliberately refuses what PyTorch computes (docs/design.md): integer matrix products run on no
    /// MiniTorch kernel (the GEMM is floating only), so they raise a clear "not implemented for" error.
    /// </summary>
    private static readonly HashSet<string> RefusedWherePyTorchComputes = ["mm", "matmul", "dot"];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in DTypeGolden.Section("op_dtypes"))
        {
            string op = row.GetProperty("op").GetString()!;
            if (!Ops.ContainsKey(op))
            {
                continue;
            }
            foreach (var dtype in new[] { "int64", "int32", "bool", "uint8" })
            {
                data.Add(op, dtype);
            }
        }
        return data;
    }

    [Fact]
    public void EveryMappedOpIsInTheGoldenFile()
    {
        var golden = DTypeGolden.Section("op_dtypes").Select(r => r.GetProperty("op").GetString()).ToHashSet();
        Assert.All(Ops.Keys, k => Assert.Contains(k, golden));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutputDTypeMatchesPyTorch(string op, string dtype)
    {
        var row = DTypeGolden.Section("op_dtypes").Single(r => r.GetProperty("op").GetString() == op);
        var expected = row.GetProperty(dtype);
        var input = dtype == "bool"
            ? Tensor.FromArray([true, false, true, true])
            : Tensor.FromArray([0L, 1, 2, 3]).To(DTypeGolden.ParseDType(dtype));

        if (expected.TryGetProperty("error", out _) || RefusedWherePyTorchComputes.Contains(op))
        {
            var error = Record.Exception(() => Ops[op](input));
            Assert.True(error is ArgumentException or NotSupportedException or InvalidOperationException,
                $"{op}({dtype}): PyTorch raises ({(expected.TryGetProperty("message", out var m) ? m.GetString() : "computes")}), MiniTorch gave {(error is null ? "a result" : error.GetType().Name + ": " + error.Message)}");
            // The message names the offending dtype (PyTorch's "Long", our "Int64", or "bool").
            string[] names = [input.DType.ScalarTypeName(), input.DType.ToString(), dtype];
            Assert.True(names.Any(n => error!.Message.Contains(n, StringComparison.OrdinalIgnoreCase)), $"{op}({dtype}): the message does not name the dtype: {error!.Message}");
            return;
        }
        var actual = Ops[op](input);
        var output = expected.GetProperty("output");
        if (output.ValueKind == JsonValueKind.Array)
        {
            output = output[0];
        }
        DTypeGolden.AssertEqual(output, actual, $"{op}({dtype})");
    }
}
