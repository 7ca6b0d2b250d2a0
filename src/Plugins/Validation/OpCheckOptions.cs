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

    internal bool Runs(OpCheckTest test) => Tests is null || Tests.Contains(test);
}
