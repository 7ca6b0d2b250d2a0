namespace MiniTorch.Plugins;

/// <summary>The float64 values of one sample's inputs, drawn once from a seeded generator and copied for each check.</summary>
internal sealed class SampleInputs
{
    private readonly double[][] _values;
    private readonly int[][] _shapes;

    public SampleInputs(IReadOnlyList<int[]> shapes, (double Low, double High)? range, long seed)
    {
        var generator = new Generator(seed);
        _shapes = shapes.ToArray();
        _values = new double[shapes.Count][];
        for (int i = 0; i < shapes.Count; i++)
        {
            var values = new double[ShapeText.Numel(shapes[i])];
            if (range is { } r)
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

    /// <summary>Fresh tensors (never shared between checks, since GradCheck perturbs them in place) of <paramref name="dtype"/>.</summary>
    public Tensor[] Make(DType dtype, IReadOnlyList<bool> requiresGrad)
    {
        var result = new Tensor[_values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var t = Tensor.FromArray((double[])_values[i].Clone(), _shapes[i]);
            result[i] = (dtype == DType.Float64 ? t : t.To(dtype)).SetRequiresGrad(requiresGrad[i]);
        }
        return result;
    }
}
