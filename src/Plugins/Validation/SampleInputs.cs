namespace MiniTorch.Plugins;

/// <summary>
/// The values of one sample's inputs, drawn once from a seeded generator and copied for each check: float64 for
/// floating inputs, integers in the sample's range for inputs declared integer, fair coin flips for Bool inputs.
/// </summary>
internal sealed class SampleInputs
{
    private readonly double[][] _values;
    private readonly int[][] _shapes;
    private readonly DType?[] _declared;

    public SampleInputs(OpDefinition op, OpSample sample, long seed)
    {
        var generator = new Generator(seed);
        var shapes = sample.InputShapes;
        _shapes = shapes.ToArray();
        _values = new double[shapes.Count][];
        _declared = new DType?[shapes.Count];
        for (int i = 0; i < shapes.Count; i++)
        {
            var values = new double[ShapeText.Numel(shapes[i])];
            _declared[i] = op.DeclaredDType(i);
            if (_declared[i] is { } dtype)
            {
                // [Low, High) for integers, {0, 1} for Bool: the uniform draw is floored, as randint's values are whole.
                var (low, high) = dtype == DType.Bool ? (0, 2) : sample.IntegerRanges![op.Inputs[i]];
                generator.FillUniform(values, 0, 1);
                for (int k = 0; k < values.Length; k++)
                {
                    values[k] = Math.Min(high - 1, low + Math.Floor(values[k] * ((double)high - low)));
                }
            }
            else if (sample.ValueRange is { } r)
            {
                generator.FillUniform(values, r.Low, r.High);
            }
            else
            {
                generator.FillNormal(values);
            }
            _values[i] = values;
        }
    }

    public int Count => _values.Length;

    /// <summary>Whether some input is floating, so that gradients and dtypes can be checked.</summary>
    public bool HasFloatingInput => Array.IndexOf(_declared, null) >= 0;

    /// <summary>
    /// Fresh tensors (never shared between checks, since GradCheck perturbs them in place): floating inputs in
    /// <paramref name="dtype"/>, requiring grad as <paramref name="requiresGrad"/> says; declared inputs in their own dtype.
    /// </summary>
    public Tensor[] Make(DType dtype, IReadOnlyList<bool> requiresGrad)
    {
        var result = new Tensor[_values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var t = Tensor.FromArray((double[])_values[i].Clone(), _shapes[i]);
            result[i] = _declared[i] is { } declared
                ? t.To(declared)
                : (dtype == DType.Float64 ? t : t.To(dtype)).SetRequiresGrad(requiresGrad[i]);
        }
        return result;
    }
}
