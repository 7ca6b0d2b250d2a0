namespace MiniTorch.OpDatabase;

/// <summary>
/// How to make one sample input (or, for <see cref="SplitDistinct"/>, several): a distribution and a shape, not
/// values. The C# tests draw from MiniTorch's seeded <see cref="Generator"/>; the golden generator draws the same
/// description from PyTorch's (<c>op-table.json</c> carries it), so both sides describe one sample the same way.
/// Layout specs (<see cref="Transposed"/>, <see cref="Sliced"/>) make non-contiguous views and exist only in C#.
/// </summary>
public abstract class InputSpec
{
    /// <summary>How many tensors the spec makes.</summary>
    public virtual int Count => 1;

    /// <summary>Whether the golden generator can draw it (only those may appear in a golden sample).</summary>
    public virtual bool IsGoldenExpressible => true;

    /// <summary>The tensors, float64 and without grad (a layout spec gives a view of a fresh tensor).</summary>
    public abstract Tensor[] Make(Generator generator);

    /// <summary>The spec with its first dim set to <paramref name="size"/>: the batch sizes of the ONNX checks.</summary>
    public abstract InputSpec WithLeadingDim(int size);

    /// <summary>The spec as one JSON object of <c>op-table.json</c>, in the golden generator's words.</summary>
    public abstract string ToManifestJson();

    /// <inheritdoc />
    public override string ToString() => IsGoldenExpressible ? ToManifestJson() : GetType().Name;

    private protected static int[] Resize(int[] shape, int size) =>
        shape.Length == 0 ? throw new InvalidOperationException("a 0-d input has no batch dim") : [size, .. shape[1..]];

    private protected static Tensor Uniform(Generator g, int[] shape, double low, double high)
    {
        using (Autograd.NoGrad())
        {
            return Tensor.Rand(shape, DType.Float64, g) * (high - low) + low;
        }
    }

    private protected static int Numel(int[] shape)
    {
        int n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }
        return n;
    }
}

/// <summary>Normal values × scale + shift (golden: rounded to 4 decimals).</summary>
public sealed class Randn(int[] shape, double scale = 1, double shift = 0) : InputSpec
{
    /// <inheritdoc />
    public override Tensor[] Make(Generator generator)
    {
        using (Autograd.NoGrad())
        {
            return [Tensor.Randn(shape, DType.Float64, generator) * scale + shift];
        }
    }

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => new Randn(Resize(shape, size), scale, shift);

    /// <inheritdoc />
    public override string ToManifestJson() =>
        $"{{\"randn\":{ManifestJson.Ints(shape)}{ManifestJson.Optional("scale", scale, 1)}{ManifestJson.Optional("shift", shift, 0)}}}";
}

/// <summary>Uniform values in [low, high).</summary>
public sealed class Uniform(double low, double high, int[] shape) : InputSpec
{
    /// <inheritdoc />
    public override Tensor[] Make(Generator generator) => [Uniform(generator, shape, low, high)];

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => new Uniform(low, high, Resize(shape, size));

    /// <inheritdoc />
    public override string ToManifestJson() =>
        $"{{\"uniform\":{ManifestJson.Ints(shape)},\"low\":{ManifestJson.Number(low)},\"high\":{ManifestJson.Number(high)}}}";
}

/// <summary>
/// Pairwise distinct values, none near 0: a unique winner for max/min/maximum and no kink of abs/relu under a
/// finite-difference step. C# draws a shuffled, jittered ladder (steps ≥ 0.1); the golden generator redraws normal
/// values until no two are closer than 1e-3.
/// </summary>
public sealed class Distinct(int[] shape) : InputSpec
{
    /// <inheritdoc />
    public override Tensor[] Make(Generator generator) => [Tensor.FromArray(Ladder(generator, Numel(shape)), shape)];

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => new Distinct(Resize(shape, size));

    /// <inheritdoc />
    public override string ToManifestJson() => $"{{\"distinct\":{ManifestJson.Ints(shape)}}}";

    internal static double[] Ladder(Generator g, int n)
    {
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = -1 + 0.25 * i + 0.1 * g.NextUniform();
        }
        for (int i = n - 1; i > 0; i--)
        {
            int j = g.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
        return values;
    }
}

/// <summary>Consecutive pieces of one <see cref="Distinct"/> draw: values distinct across several inputs.</summary>
public sealed class SplitDistinct(params int[][] shapes) : InputSpec
{
    /// <inheritdoc />
    public override int Count => shapes.Length;

    /// <inheritdoc />
    public override Tensor[] Make(Generator generator)
    {
        var all = Distinct.Ladder(generator, shapes.Sum(Numel));
        var result = new Tensor[shapes.Length];
        int start = 0;
        for (int i = 0; i < shapes.Length; i++)
        {
            int n = Numel(shapes[i]);
            result[i] = Tensor.FromArray(all[start..(start + n)], shapes[i]);
            start += n;
        }
        return result;
    }

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => throw new NotSupportedException("SplitDistinct has no batch dim");

    /// <inheritdoc />
    public override string ToManifestJson() => $"{{\"split_distinct\":[{string.Join(",", shapes.Select(ManifestJson.Ints))}]}}";
}

/// <summary>Normal values × scale, redrawn until every one is at least <c>gap</c> from each of the points (the kinks of clamp).</summary>
public sealed class AwayFrom(double[] points, int[] shape, double scale = 1, double gap = 1e-2) : InputSpec
{
    /// <inheritdoc />
    public override Tensor[] Make(Generator generator)
    {
        while (true)
        {
            Tensor t;
            using (Autograd.NoGrad())
            {
                t = Tensor.Randn(shape, DType.Float64, generator) * scale;
            }
            if (t.ToDoubleArray().All(v => points.All(p => Math.Abs(v - p) >= gap)))
            {
                return [t];
            }
        }
    }

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => new AwayFrom(points, Resize(shape, size), scale, gap);

    /// <inheritdoc />
    public override string ToManifestJson() =>
        $"{{\"away_from\":{ManifestJson.Ints(shape)},\"points\":[{string.Join(",", points.Select(ManifestJson.Number))}]{ManifestJson.Optional("scale", scale, 1)}{ManifestJson.Optional("gap", gap, 1e-2)}}}";
}

/// <summary>Fixed values (ties, zeros, tiny magnitudes): the points where PyTorch's subgradient conventions show.</summary>
public sealed class Values(double[] values, int[] shape) : InputSpec
{
    /// <inheritdoc />
    public override Tensor[] Make(Generator generator) => [Tensor.FromArray((double[])values.Clone(), shape)];

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => throw new NotSupportedException("fixed values have no batch dim");

    /// <inheritdoc />
    public override string ToManifestJson() =>
        $"{{\"tensor\":{ManifestJson.Ints(shape)},\"values\":[{string.Join(",", values.Select(ManifestJson.Number))}]}}";
}
