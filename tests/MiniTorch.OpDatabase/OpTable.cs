namespace MiniTorch.OpDatabase;

/// <summary>
/// The op table: one <see cref="OpInfo"/> per op of <see cref="Tensor"/> and of the NN library's
/// <see cref="NN.Functional"/>, plus composition rows. One file per family under <c>Table/</c>; read by the
/// gradient, JVP, dtype, golden, ONNX and completeness tests and, through <c>op-table.json</c>, by the golden generator.
/// </summary>
public static class OpTable
{
    private static readonly Lazy<IReadOnlyList<OpInfo>> s_all = new(() =>
    {
        OpInfo[] all =
        [
            .. ArithmeticOps.All(), .. UnaryOps.All(), .. SelectionOps.All(), .. ReductionOps.All(), .. SoftmaxOps.All(),
            .. IndexingOps.All(), .. ShapeOps.All(), .. ProductOps.All(), .. ConvolutionOps.All(), .. InPlaceOps.All(),
            .. FunctionalOps.All(), .. CompositeOps.All(), .. DTypeOps.All(), .. SortingOps.All(),
        ];
        var names = new HashSet<string>(StringComparer.Ordinal);
        var golden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in all)
        {
            if (!names.Add(op.Name))
            {
                throw new InvalidOperationException($"OpTable: two rows are named {op.Name}");
            }
            foreach (var s in op.Samples)
            {
                if (s.GoldenName is { } g && !golden.Add(g))
                {
                    throw new InvalidOperationException($"OpTable: golden case {g} appears twice");
                }
                if (s.RequiresGrad is { } rg && rg.Length != s.InputCount)
                {
                    throw new InvalidOperationException($"OpTable: {op.Name}: a sample has {s.InputCount} inputs but {rg.Length} requires-grad flags");
                }
            }
        }
        return all;
    });

    /// <summary>Every row, in table order (the order of the golden manifest).</summary>
    public static IReadOnlyList<OpInfo> All => s_all.Value;

    /// <summary>The row named <paramref name="name"/>.</summary>
    public static OpInfo Get(string name) =>
        All.FirstOrDefault(op => op.Name == name) ?? throw new KeyNotFoundException($"OpTable has no row {name}");

    /// <summary>The row whose golden cases carry the op key <paramref name="goldenKey"/>.</summary>
    public static OpInfo ForGoldenKey(string goldenKey) =>
        All.FirstOrDefault(op => op.GoldenKey == goldenKey) ?? throw new KeyNotFoundException($"OpTable has no row with golden key '{goldenKey}'; add GoldenKey to the op's row.");

    /// <summary>Whether a public method is deliberately not a row, and why (see <see cref="ApiExclusions"/>).</summary>
    public static IReadOnlyDictionary<string, string> Exclusions => ApiExclusions.Reasons;
}
