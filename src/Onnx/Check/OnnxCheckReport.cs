namespace MiniTorch.Onnx;

/// <summary>The comparison of every output of an exported model run in ONNX Runtime with MiniTorch's outputs on the same inputs.</summary>
public sealed class OnnxCheckReport
{
    internal OnnxCheckReport(IReadOnlyList<OnnxOutputComparison> outputs, IReadOnlyList<int[]> inputShapes)
    {
        Outputs = outputs;
        InputShapes = inputShapes;
    }

    /// <summary>One comparison per graph output, in order.</summary>
    public IReadOnlyList<OnnxOutputComparison> Outputs { get; }

    /// <summary>The shapes of the inputs the check ran on.</summary>
    public IReadOnlyList<int[]> InputShapes { get; }

    /// <summary>The largest absolute error over all outputs.</summary>
    public double MaxAbsoluteError => Outputs.Max(o => o.MaxAbsoluteError);

    /// <summary>The largest relative error over all outputs.</summary>
    public double MaxRelativeError => Outputs.Max(o => o.MaxRelativeError);

    /// <summary>Whether every output is within the tolerance (see <see cref="OnnxOutputComparison.IsWithin"/>).</summary>
    public bool IsWithin(double absoluteTolerance, double relativeTolerance) => Outputs.All(o => o.IsWithin(absoluteTolerance, relativeTolerance));

    /// <summary>One line per output, with the worst element outside the given tolerance.</summary>
    public string Describe(double absoluteTolerance = OnnxCheck.DefaultAbsoluteTolerance, double relativeTolerance = OnnxCheck.DefaultRelativeTolerance) =>
        $"ONNX Runtime vs MiniTorch on inputs {string.Join(", ", InputShapes.Select(OnnxShapes.Format))}:" + Environment.NewLine +
        string.Join(Environment.NewLine, Outputs.Select(o => "  " + o.Describe(absoluteTolerance, relativeTolerance)));

    /// <inheritdoc />
    public override string ToString() => Describe();
}

/// <summary>Thrown by <see cref="OnnxCheck.AssertClose(OnnxModel, MiniTorch.NN.Module, Tensor, double, double)"/> when ONNX Runtime's outputs are outside the tolerance; the message is the report.</summary>
public sealed class OnnxCheckException : Exception
{
    internal OnnxCheckException(OnnxCheckReport report, string message) : base(message) => Report = report;

    /// <summary>The comparison that failed.</summary>
    public OnnxCheckReport Report { get; }
}
