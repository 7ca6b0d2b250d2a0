namespace MiniTorch.Plugins;

/// <summary>
/// An independent implementation that <see cref="OpCheck"/> compares a plugin op's forward results with, on every
/// sample in float64 and float32. MiniTorch.Plugins cannot reference ONNX Runtime (MiniTorch.Onnx is a layer below
/// it), so the ONNX Runtime cross-check, <c>MiniTorch.Onnx.OnnxRuntimeCrossCheck</c>, plugs in through this interface:
/// <c>new OpCheckOptions { CrossCheck = new OnnxRuntimeCrossCheck() }</c>.
/// </summary>
public interface IOpCrossCheck
{
    /// <summary>What the op is compared with, for reports: <c>ONNX Runtime</c>.</summary>
    string Name { get; }

    /// <summary>Why <paramref name="op"/> cannot be cross-checked (e.g. it declares no ONNX lowering), or null if it can.</summary>
    string? WhyNotCheckable(OpDefinition op);

    /// <summary>
    /// Computes the op's output independently on <paramref name="inputs"/> (float32 or float64, as the output must
    /// be) with the call's <paramref name="attributes"/> (the definition's defaults with the sample's laid over them).
    /// </summary>
    Tensor Evaluate(OpDefinition op, IReadOnlyDictionary<string, double> attributes, IReadOnlyList<Tensor> inputs);
}

/// <summary>An elementwise tolerance |reference − op| ≤ <paramref name="Absolute"/> + <paramref name="Relative"/>·|op| (NumPy's allclose rule).</summary>
/// <param name="Absolute">The absolute part.</param>
/// <param name="Relative">The relative part.</param>
public sealed record CrossCheckTolerance(double Absolute, double Relative)
{
    /// <summary>The float32 default: a few float32 roundings of an elementwise composition.</summary>
    public static CrossCheckTolerance Float32Default { get; } = new(1e-5, 1e-4);

    /// <summary>The float64 default: libm-level differences between two float64 implementations.</summary>
    public static CrossCheckTolerance Float64Default { get; } = new(1e-10, 1e-8);
}
