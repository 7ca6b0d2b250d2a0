namespace MiniTorch.OpDatabase;

/// <summary>
/// Values of random sign whose magnitude lies in [min, max]: safe inputs for ops with a kink or a pole at 0 (Abs,
/// Relu, Div), so central differences never straddle it. C# only (the golden samples use <see cref="Distinct"/>).
/// </summary>
public sealed class AwayFromZero(int[] shape, double min = 0.2, double max = 1.5) : InputSpec
{
    /// <inheritdoc />
    public override bool IsGoldenExpressible => false;

    /// <inheritdoc />
    public override Tensor[] Make(Generator generator)
    {
        var values = new double[Numel(shape)];
        for (int i = 0; i < values.Length; i++)
        {
            double magnitude = min + (max - min) * generator.NextUniform();
            values[i] = generator.NextUniform() < 0.5 ? -magnitude : magnitude;
        }
        return [Tensor.FromArray(values, shape)];
    }

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => new AwayFromZero(Resize(shape, size), min, max);

    /// <inheritdoc />
    public override string ToManifestJson() => throw new NotSupportedException("AwayFromZero is not a golden input");
}

/// <summary>
/// A [rows, cols] transposed view of fresh uniform [cols, rows] data: strides not row-major, so kernels and backward
/// formulas see a strided operand. Gradients are taken with respect to the view, which is a leaf.
/// </summary>
public sealed class Transposed(int rows, int cols, double low = -1, double high = 1) : InputSpec
{
    /// <inheritdoc />
    public override bool IsGoldenExpressible => false;

    /// <inheritdoc />
    public override Tensor[] Make(Generator generator)
    {
        var t = Uniform(generator, [cols, rows], low, high).T;
        if (t.IsContiguous && rows > 1 && cols > 1)
        {
            throw new InvalidOperationException("Transposed: the view came out contiguous");
        }
        return [t];
    }

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => new Transposed(size, cols, low, high);

    /// <inheritdoc />
    public override string ToManifestJson() => throw new NotSupportedException("Transposed is not a golden input");
}

/// <summary>
/// A [rows, cols] interior of fresh uniform [rows + 2, cols + 3] data: a storage offset and row strides longer than
/// the rows (non-contiguous for more than one row).
/// </summary>
public sealed class Sliced(int rows, int cols, double low = -1, double high = 1) : InputSpec
{
    /// <inheritdoc />
    public override bool IsGoldenExpressible => false;

    /// <inheritdoc />
    public override Tensor[] Make(Generator generator)
    {
        var t = Uniform(generator, [rows + 2, cols + 3], low, high).Narrow(0, 1, rows).Narrow(1, 2, cols);
        if (t.IsContiguous != (rows == 1) || t.StorageOffset == 0)
        {
            throw new InvalidOperationException("Sliced: the view has the wrong layout");
        }
        return [t];
    }

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => new Sliced(size, cols, low, high);

    /// <inheritdoc />
    public override string ToManifestJson() => throw new NotSupportedException("Sliced is not a golden input");
}

/// <summary>A view with the last two dims swapped of fresh uniform data of <c>storedShape</c> (any rank ≥ 2).</summary>
public sealed class TransposedLastTwo(int[] storedShape, double low = -1, double high = 1) : InputSpec
{
    /// <inheritdoc />
    public override bool IsGoldenExpressible => false;

    /// <inheritdoc />
    public override Tensor[] Make(Generator generator) => [Uniform(generator, storedShape, low, high).Transpose(-1, -2)];

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => new TransposedLastTwo(Resize(storedShape, size), low, high);

    /// <inheritdoc />
    public override string ToManifestJson() => throw new NotSupportedException("TransposedLastTwo is not a golden input");
}

/// <summary>The tensors of another spec, each with its last two dims swapped: a strided view of any distribution.</summary>
public sealed class StridedView(InputSpec inner) : InputSpec
{
    /// <inheritdoc />
    public override int Count => inner.Count;

    /// <inheritdoc />
    public override bool IsGoldenExpressible => false;

    /// <inheritdoc />
    public override Tensor[] Make(Generator generator) => Array.ConvertAll(inner.Make(generator), t => t.Transpose(-1, -2));

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => throw new NotSupportedException("StridedView has no batch dim");

    /// <inheritdoc />
    public override string ToManifestJson() => throw new NotSupportedException("StridedView is not a golden input");

    /// <inheritdoc />
    public override string ToString() => $"StridedView({inner})";
}

/// <summary>A 1-D view with stride 2 (the first column of fresh uniform [n, 2] data).</summary>
public sealed class Column(int n, double low = -1, double high = 1) : InputSpec
{
    /// <inheritdoc />
    public override bool IsGoldenExpressible => false;

    /// <inheritdoc />
    public override Tensor[] Make(Generator generator) => [Uniform(generator, [n, 2], low, high).Select(1, 0)];

    /// <inheritdoc />
    public override InputSpec WithLeadingDim(int size) => new Column(size, low, high);

    /// <inheritdoc />
    public override string ToManifestJson() => throw new NotSupportedException("Column is not a golden input");
}
