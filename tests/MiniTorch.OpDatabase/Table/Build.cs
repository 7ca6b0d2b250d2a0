namespace MiniTorch.OpDatabase;

/// <summary>Short constructors for the table's rows (used with <c>using static</c> in the family files).</summary>
internal static class Build
{
    public static OpSample Sample(params InputSpec[] inputs) => new(inputs);

    /// <summary>Arguments in order: <c>Args(("dim", 1), ("keepdim", false))</c>.</summary>
    public static OpArgs Args(params (string Name, object? Value)[] items)
    {
        var args = new OpArgs();
        foreach (var (name, value) in items)
        {
            args.Add(name, value);
        }
        return args;
    }

    public static TensorValue TensorArg(double[] values, params int[] shape) => new(shape, values);

    /// <summary>A Bool mask from a mask argument (a Bool one as is, numbers non-zero as true, as golden files store them).</summary>
    public static Tensor AsMask(Tensor t) => t.DType == DType.Bool ? t : t.Ne(0);

    /// <summary>An Int64 index (or class-target) argument, as PyTorch's index arguments are.</summary>
    public static TensorValue IndexArg(double[] values, params int[] shape) => new(shape, values) { DType = DType.Int64 };

    /// <summary>A Bool mask argument.</summary>
    public static TensorValue MaskArg(double[] values, params int[] shape) => new(shape, values) { DType = DType.Bool };

    public static InputSpec Randn(params int[] shape) => new Randn(shape);

    public static InputSpec RandnScaled(double scale, double shift, params int[] shape) => new Randn(shape, scale, shift);

    public static InputSpec Uniform(double low, double high, params int[] shape) => new Uniform(low, high, shape);

    /// <summary>Uniform in [-1, 1).</summary>
    public static InputSpec U(params int[] shape) => new Uniform(-1, 1, shape);

    public static InputSpec Distinct(params int[] shape) => new Distinct(shape);

    public static InputSpec Split(params int[][] shapes) => new SplitDistinct(shapes);

    public static InputSpec AwayFrom(double[] points, params int[] shape) => new AwayFrom(points, shape);

    public static InputSpec Values(double[] values, params int[] shape) => new Values(values, shape.Length == 0 ? [values.Length] : shape);

    public static InputSpec AwayFromZero(params int[] shape) => new AwayFromZero(shape);

    public static InputSpec AwayFromZeroIn(double min, double max, params int[] shape) => new AwayFromZero(shape, min, max);

    public static InputSpec Transposed(int rows, int cols, double low = -1, double high = 1) => new Transposed(rows, cols, low, high);

    public static InputSpec Sliced(int rows, int cols) => new Sliced(rows, cols);

    /// <summary>The inner spec's tensors with their last two dims swapped (non-contiguous).</summary>
    public static InputSpec Strided(InputSpec inner) => new StridedView(inner);

    public static InputSpec Column(int n, double low = -1, double high = 1) => new Column(n, low, high);

    public static InputSpec TransposedLastTwo(params int[] storedShape) => new TransposedLastTwo(storedShape);

    /// <summary>A one-output call.</summary>
    public static Func<Tensor[], OpArgs, Tensor[]> One(Func<Tensor[], OpArgs, Tensor> f) => (x, a) => [f(x, a)];

    /// <summary>A one-output call without arguments.</summary>
    public static Func<Tensor[], OpArgs, Tensor[]> One(Func<Tensor[], Tensor> f) => (x, _) => [f(x)];

    public static readonly OnnxSupport InPlaceNotTraceable = OnnxSupport.NotExportable(null, "an in-place op cannot be traced: a traced graph holds values, not memory (the tracer refuses in-place ops on traced tensors)");

    /// <summary>Samples at a kink or a tie: PyTorch's subgradient convention is checked by the golden data only.</summary>
    public const string AtKink = "at a kink or tie: the subgradient PyTorch picks is checked against the golden data";
}
