using MiniTorch.NN;

namespace MiniTorch.Onnx;

/// <summary>
/// Cross-checks an exported model: runs it in ONNX Runtime and MiniTorch on the same inputs and reports the largest
/// absolute and relative error per output; <c>AssertClose</c> turns that into a test assertion for users' own
/// regression tests.
/// </summary>
/// <example><code>
/// var onnx = OnnxExporter.Export(model, example);
/// Console.WriteLine(OnnxCheck.Compare(onnx, model, batch));         // max abs/rel error per output
/// OnnxCheck.AssertClose(onnx, model, batch);                         // throws OnnxCheckException if outside tolerance
/// </code></example>
public static partial class OnnxCheck
{
    /// <summary>The default absolute tolerance: float32 results of reordered sums agree to about this.</summary>
    public const double DefaultAbsoluteTolerance = 1e-5;

    /// <summary>The default relative tolerance.</summary>
    public const double DefaultRelativeTolerance = 1e-4;

    /// <summary>Compares <paramref name="model"/> (run in evaluation mode, its modes restored after) with the exported model on <paramref name="input"/>.</summary>
    public static OnnxCheckReport Compare(OnnxModel onnx, Module model, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        Tensor expected;
        using (ModeGuard.EnterEval(model, out _))
        using (Autograd.NoGrad())
        {
            expected = model.Call(input);
        }
        return Compare(onnx, [input], [expected]);
    }

    /// <summary>Compares a function with the model exported from it, on <paramref name="inputs"/>.</summary>
    public static OnnxCheckReport Compare(OnnxModel onnx, Func<Tensor[], Tensor[]> function, params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        Tensor[] expected;
        using (Autograd.NoGrad())
        {
            expected = function(inputs);
        }
        return Compare(onnx, inputs, expected);
    }

    /// <summary>Runs the exported model in ONNX Runtime on <paramref name="inputs"/> and compares with <paramref name="expected"/> outputs.</summary>
    public static OnnxCheckReport Compare(OnnxModel onnx, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> expected)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(expected);
        if (expected.Count != onnx.OutputNames.Count)
        {
            throw new ArgumentException($"OnnxCheck.Compare: the model has {onnx.OutputNames.Count} outputs, but {expected.Count} expected tensors were given.", nameof(expected));
        }
        Tensor[] actual;
        using (var session = new OnnxRuntimeSession(onnx))
        {
            actual = session.Run([.. inputs]);
        }
        var comparisons = new OnnxOutputComparison[expected.Count];
        for (int i = 0; i < comparisons.Length; i++)
        {
            comparisons[i] = new OnnxOutputComparison(onnx.OutputNames[i], expected[i], actual[i]);
        }
        return new OnnxCheckReport(comparisons, [.. inputs.Select(t => t.Shape)]);
    }

    /// <summary>Throws <see cref="OnnxCheckException"/> unless ONNX Runtime's outputs match the model's within |ort − mt| ≤ atol + rtol·|mt|.</summary>
    public static OnnxCheckReport AssertClose(OnnxModel onnx, Module model, Tensor input,
        double absoluteTolerance = DefaultAbsoluteTolerance, double relativeTolerance = DefaultRelativeTolerance) =>
        Assert(Compare(onnx, model, input), absoluteTolerance, relativeTolerance);

    /// <summary>Throws <see cref="OnnxCheckException"/> unless ONNX Runtime's outputs match the function's within tolerance.</summary>
    public static OnnxCheckReport AssertClose(OnnxModel onnx, Func<Tensor[], Tensor[]> function, Tensor[] inputs,
        double absoluteTolerance = DefaultAbsoluteTolerance, double relativeTolerance = DefaultRelativeTolerance) =>
        Assert(Compare(onnx, function, inputs), absoluteTolerance, relativeTolerance);

    private static OnnxCheckReport Assert(OnnxCheckReport report, double atol, double rtol)
    {
        if (!(atol >= 0) || !(rtol >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(atol), $"OnnxCheck.AssertClose: tolerances must be non-negative numbers, got atol={atol}, rtol={rtol}.");
        }
        if (!report.IsWithin(atol, rtol))
        {
            throw new OnnxCheckException(report, "OnnxCheck: the exported model's outputs differ from MiniTorch's beyond the tolerance." + Environment.NewLine + report.Describe(atol, rtol));
        }
        return report;
    }
}
