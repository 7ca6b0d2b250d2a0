namespace MiniTorch.OpDatabase;

/// <summary>
/// Everything the tests know about one op, as one row of PyTorch's OpInfo database: how to call it, its samples,
/// its dtypes, which checks apply (reverse mode, double backward, forward mode), whether and how it exports to ONNX,
/// its golden-data key and tolerances. <see cref="OpTable.All"/> holds every row; the gradient, JVP, golden and
/// ONNX tests and <c>tools/golden/generate_golden.py</c> (through <c>op-table.json</c>) read it.
/// </summary>
public sealed class OpInfo
{
    /// <summary>The row's name, unique in the table (e.g. <c>Add</c>, <c>AddScalar</c>, <c>Functional.Gelu</c>).</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Calls the op on the sample's tensors with its arguments and returns the outputs; the first output is the one
    /// differentiated (e.g. Max along a dim returns values, then indices).
    /// </summary>
    public required Func<Tensor[], OpArgs, Tensor[]> Call { get; init; }

    /// <summary>The samples: broadcast shapes, non-contiguous views, edge sizes (0-d, size-1 dims), golden cases.</summary>
    public required IReadOnlyList<OpSample> Samples { get; init; }

    /// <summary>
    /// The public methods this row covers, as <c>Type.Method</c> (<c>Tensor.Add</c>, <c>Tensor.op_Addition</c>,
    /// <c>Functional.Gelu</c>): the completeness test requires every public op method to be named by some row.
    /// Empty for a composition row (several ops chained, to test gradients flowing through them).
    /// </summary>
    public IReadOnlyList<string> Api { get; init; } = [];

    /// <summary>The dtypes the op supports; the dtype test compares float32 with float64 on every sample.</summary>
    public IReadOnlyList<DType> DTypes { get; init; } = [DType.Float32, DType.Float64];

    /// <summary>Whether the op has a gradient (first-order finite-difference check on float64 samples).</summary>
    public bool SupportsBackward { get; init; } = true;

    /// <summary>Whether its gradient is itself differentiable (second-order check, as gradgradcheck).</summary>
    public bool SupportsDoubleBackward { get; init; } = true;

    /// <summary>Whether it has a forward-mode rule (JVP against finite differences, and forward = reverse Jacobian).</summary>
    public bool SupportsForwardMode { get; init; } = true;

    /// <summary>How the op exports to ONNX, or why it cannot.</summary>
    public required OnnxSupport Onnx { get; init; }

    /// <summary>The op name of its golden cases in <c>ops.json</c> (the key of the generator's <c>TORCH_CALLS</c>), or null.</summary>
    public string? GoldenKey { get; init; }

    /// <summary>Relative tolerance of the float32-against-float64 comparison.</summary>
    public double Float32Rtol { get; init; } = 1e-4;

    /// <summary>Absolute tolerance of the float32-against-float64 comparison.</summary>
    public double Float32Atol { get; init; } = 1e-5;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Whether an op exports to ONNX: the name it is traced under and the ONNX node it becomes, or why not.</summary>
public sealed record OnnxSupport
{
    private OnnxSupport(string? traceName, string? onnxOpType, string? notExportableReason)
    {
        TraceName = traceName;
        OnnxOpType = onnxOpType;
        NotExportableReason = notExportableReason;
    }

    /// <summary>
    /// The name the op reports to the tracer (<see cref="Tracing"/>), which the exporter's lowerings are keyed by; at
    /// least one sample of the row traces it. Null when the op records only its parts.
    /// </summary>
    public string? TraceName { get; }

    /// <summary>An ONNX operator the exported graph must contain (e.g. <c>Clip</c> for Clamp).</summary>
    public string? OnnxOpType { get; }

    /// <summary>Why the op has no ONNX form; null when it exports.</summary>
    public string? NotExportableReason { get; }

    /// <summary>Whether the op exports.</summary>
    public bool IsExportable => NotExportableReason is null;

    /// <summary>
    /// Exports: traced as <paramref name="traceName"/> (null when the op records only the ops it is built from, as
    /// Var does), written as (at least) an <paramref name="onnxOpType"/> node.
    /// </summary>
    public static OnnxSupport Export(string? traceName, string onnxOpType) => new(traceName, onnxOpType, null);

    /// <summary>Does not export, traced as <paramref name="traceName"/> (null if it traces as other ops), because <paramref name="reason"/>.</summary>
    public static OnnxSupport NotExportable(string? traceName, string reason) => new(traceName, null, reason);
}
