namespace MiniTorch.Tests.Ops;

/// <summary>
/// Shared helpers of the op tests: seeded float64 inputs in a chosen range, first- and second-order
/// gradient checks in one call, value assertions with a dtype-aware tolerance, and error assertions
/// that check the exception type and every fragment the message must contain.
/// </summary>
internal static class OpTestHelpers
{
    /// <summary>Both dtypes, for forward-value theories.</summary>
    public static TheoryData<DType> BothDTypes => new() { DType.Float32, DType.Float64 };

    /// <summary>A float64 tensor of uniform values in [low, high), requiring grad (a leaf).</summary>
    public static Tensor Uniform(Generator g, int[] shape, double low = -1, double high = 1, bool requiresGrad = true)
    {
        Tensor t;
        using (Autograd.NoGrad())
        {
            t = Tensor.Rand(shape, DType.Float64, g) * (high - low) + low;
        }
        return t.SetRequiresGrad(requiresGrad);
    }

    /// <summary>
    /// Values of random sign whose magnitude lies in [min, max]: safe inputs for ops with a kink or a pole at 0
    /// (Abs, Relu, Div, Log of the magnitude), so central differences never straddle the kink.
    /// </summary>
    public static Tensor AwayFromZero(Generator g, int[] shape, double min = 0.2, double max = 1.5, bool requiresGrad = true)
    {
        var values = new double[Numel(shape)];
        for (int i = 0; i < values.Length; i++)
        {
            double magnitude = min + (max - min) * g.NextUniform();
            values[i] = g.NextUniform() < 0.5 ? -magnitude : magnitude;
        }
        return Tensor.FromArray(values, shape, requiresGrad);
    }

    /// <summary>
    /// Pairwise distinct values (a shuffled, jittered ladder with steps of at least 0.1), so max/min and
    /// Maximum/Minimum have a unique winner that a finite-difference step of 1e-6 cannot change.
    /// </summary>
    public static Tensor Distinct(Generator g, int[] shape, bool requiresGrad = true)
    {
        int n = Numel(shape);
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
        return Tensor.FromArray(values, shape, requiresGrad);
    }

    /// <summary>A float64 leaf that is a transposed view (strides not row-major) of fresh uniform data.</summary>
    public static Tensor TransposedLeaf(Generator g, int rows, int cols, double low = -1, double high = 1)
    {
        var t = Uniform(g, [cols, rows], low, high, requiresGrad: false).T;
        Assert.False(t.IsContiguous);
        return t.SetRequiresGrad();
    }

    /// <summary>
    /// A float64 leaf that is a sliced view: the interior of a larger [rows + 2, cols + 3] tensor, so it has a
    /// storage offset and row strides longer than its rows.
    /// </summary>
    public static Tensor SlicedLeaf(Generator g, int rows, int cols, double low = -1, double high = 1)
    {
        var t = Uniform(g, [rows + 2, cols + 3], low, high, requiresGrad: false).Narrow(0, 1, rows).Narrow(1, 2, cols);
        // One row is contiguous whatever its stride; more rows are not, since each row skips 3 elements.
        Assert.Equal(rows == 1, t.IsContiguous);
        Assert.NotEqual(0, t.StorageOffset);
        return t.SetRequiresGrad();
    }

    /// <summary>Runs GradCheck and GradGradCheck (both throw on a mismatch, naming the index); both must pass.</summary>
    public static void CheckGradients(Func<Tensor[], Tensor> function, params Tensor[] inputs)
    {
        Assert.True(GradCheck.Check(function, inputs));
        Assert.True(GradCheck.GradGradCheck(function, inputs));
    }

    /// <summary>Makes a tensor of <paramref name="dtype"/> and <paramref name="shape"/> from float64 values (rounded for float32).</summary>
    public static Tensor Make(DType dtype, int[] shape, params double[] values) => Tensor.FromArray(values, shape).To(dtype);

    /// <summary>Asserts shape, dtype and every value; the tolerance is relative, looser for float32.</summary>
    public static void AssertValues(Tensor actual, int[] shape, params double[] expected)
    {
        Assert.Equal(shape, actual.Shape);
        // Int64 results (indices) compare as numbers; the dtype itself is asserted where it matters.
        var values = actual.DType == DType.Int64 ? Array.ConvertAll(actual.ToArray<long>(), static v => (double)v) : actual.ToDoubleArray();
        Assert.Equal(expected.Length, values.Length);
        double tol = actual.DType == DType.Float32 ? 1e-5 : 1e-12;
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = double.IsNaN(expected[i])
                ? double.IsNaN(values[i])
                : expected[i] == values[i] || Math.Abs(expected[i] - values[i]) <= tol * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(same, $"element {i}: expected {expected[i]:R}, got {values[i]:R} (dtype {actual.DType})");
        }
    }

    /// <summary>Asserts every value equals <paramref name="expected"/>'s within a tolerance, after checking shapes agree.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, double tol = 1e-10)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= tol * Math.Max(1, Math.Abs(e[i])), $"element {i}: expected {e[i]:R}, got {a[i]:R}");
        }
    }

    /// <summary>Asserts the exact exception type and that its message contains every fragment.</summary>
    public static TException AssertThrows<TException>(Action action, params string[] fragments)
        where TException : Exception
    {
        var ex = Assert.Throws<TException>(action);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        }
        return ex;
    }

    /// <summary>The gradient of sum(<paramref name="function"/>(input)) with respect to <paramref name="input"/>.</summary>
    public static Tensor GradOf(Func<Tensor, Tensor> function, Tensor input)
    {
        var y = function(input);
        return Autograd.Grad(y, input, Tensor.OnesLike(y));
    }

    private static int Numel(int[] shape)
    {
        int n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }
        return n;
    }
}
