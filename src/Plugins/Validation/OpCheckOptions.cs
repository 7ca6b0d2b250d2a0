namespace MiniTorch.Plugins;

/// <summary>Settings of a validation run. The defaults are <see cref="GradCheck"/>'s, which suit float64 samples of moderate size.</summary>
public sealed record OpCheckOptions
{
    /// <summary>The options used when none are given.</summary>
    public static OpCheckOptions Default { get; } = new();

    /// <summary>The finite-difference step.</summary>
    public double Eps { get; init; } = 1e-6;

    /// <summary>The absolute tolerance of the gradient checks.</summary>
    public double Atol { get; init; } = 1e-5;

    /// <summary>The relative tolerance of the gradient checks.</summary>
    public double Rtol { get; init; } = 1e-3;

    /// <summary>The seed of the sample inputs; sample i draws from seed + i, so a run is reproducible.</summary>
    public long Seed { get; init; }

    /// <summary>The checks to run; null runs all of them.</summary>
    public IReadOnlySet<OpCheckTest>? Tests { get; init; }

    /// <summary>
    /// The independent implementation each op's forward results are compared with on every sample (float64 and
    /// float32), e.g. <c>new MiniTorch.Onnx.OnnxRuntimeCrossCheck()</c>, which runs the op's declared ONNX lowering in
    /// ONNX Runtime; null (the default) skips the comparison.
    /// </summary>
    public IOpCrossCheck? CrossCheck { get; init; }

    /// <summary>The tolerance of the cross-check on float32 inputs.</summary>
    public CrossCheckTolerance CrossCheckFloat32Tolerance { get; init; } = CrossCheckTolerance.Float32Default;

    /// <summary>The tolerance of the cross-check on float64 inputs.</summary>
    public CrossCheckTolerance CrossCheckFloat64Tolerance { get; init; } = CrossCheckTolerance.Float64Default;

    /// <summary>
    /// Whether an op the cross-check cannot run (one without an ONNX lowering) fails validation; by default it is
    /// reported as not cross-checked and passes.
    /// </summary>
    public bool StrictCrossCheck { get; init; }

    internal bool Runs(OpCheckTest test) => Tests is null || Tests.Contains(test);
}
