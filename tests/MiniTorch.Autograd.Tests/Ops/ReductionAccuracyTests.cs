namespace MiniTorch.Tests.Ops;

/// <summary>
/// The accuracy of float32 and float64 reductions against references computed in float64 with Neumaier's compensated
/// sum (accurate to about 1 ulp of float64), on the cases of the issue (10⁷ terms of 0.1, variance of data with a
/// large offset) and on a table of sizes, data and layouts. The bound checked is the cascade sum's:
/// |error| ≤ (20 + log₂ n)·u·Σ|xᵢ|, u the unit roundoff of the dtype; a running sum's error grows with n instead.
/// </summary>
public class ReductionAccuracyTests
{
    private const double U32 = 5.960464477539063e-8; // 2⁻²⁴
    private const double U64 = 1.1102230246251565e-16; // 2⁻⁵³

    [Fact]
    public void Sum_TenMillionTenths_Float32_IsWithin1e6Relative()
    {
        // PyTorch 1.13 gives 999,999.44 (relative error 5.7e-7); a running sum of vector lanes gave 1,010,791.75.
        var x = Tensor.Full([10_000_000], 0.1);
        double exact = 10_000_000 * (double)0.1f;
        Assert.True(RelativeError(x.Sum().Item(), exact) <= 1e-6, $"sum {x.Sum().Item()} vs {exact}");
        Assert.True(RelativeError(x.Mean().Item(), exact / 1e7) <= 1e-6, $"mean {x.Mean().Item()}");
    }

    [Fact]
    public void SumOverLeadingDim_TenMillionRows_Float32_IsWithin1e6Relative()
    {
        var sums = Tensor.Full([10_000_000, 2], 0.1).Sum(0).ToDoubleArray();
        double exact = 10_000_000 * (double)0.1f;
        Assert.All(sums, s => Assert.True(RelativeError(s, exact) <= 1e-6, $"column sum {s}"));
    }

    [Fact]
    public void Var_LargeOffset_Float32_MatchesFloat64WithinOneThousandth()
    {
        // PyTorch 1.13: 0.9998; the running sum made the mean wrong in the 4th digit and the variance 84.
        var x = Tensor.Randn([1_000_000], generator: new Generator(11)) + 10000;
        double reference = ReferenceVariance(x.ToDoubleArray(), 0, 1, 1_000_000);
        Assert.InRange(x.Var().Item(), reference - 1e-3, reference + 1e-3);
        Assert.InRange(x.Std().Item(), Math.Sqrt(reference) - 1e-3, Math.Sqrt(reference) + 1e-3);
    }

    [Fact]
    public void VarOverDim0_LargeOffset_Float32_MatchesFloat64WithinOneThousandth()
    {
        var x = Tensor.Randn([1_000_000, 2], generator: new Generator(12)) + 10000;
        var data = x.ToDoubleArray();
        var v = x.Var(0).ToDoubleArray();
        for (int c = 0; c < 2; c++)
        {
            double reference = ReferenceVariance(data, c, 2, 1_000_000);
            Assert.InRange(v[c], reference - 1e-3, reference + 1e-3);
        }
    }

    [Fact]
    public void Dot_TenMillionTerms_Float32_IsAsAccurateAsSum()
    {
        // BLAS sdot (PyTorch) gives 1,087,937 here.
        var d = Tensor.Dot(Tensor.Full([10_000_000], 0.1), Tensor.Ones(10_000_000)).Item();
        Assert.True(RelativeError(d, 10_000_000 * (double)0.1f) <= 1e-6, $"dot {d}");
    }

    [Fact]
    public void Norm_TenMillionTenths_Float32_IsWithin1e6Relative()
    {
        // PyTorch 1.13 gives 313.7723 (relative error 7.8e-3).
        double exact = Math.Sqrt(10_000_000 * (double)(0.1f * 0.1f));
        Assert.True(RelativeError(Tensor.Full([10_000_000], 0.1).Norm().Item(), exact) <= 1e-6);
    }

    [Theory]
    [InlineData(3e30, 4e30, DType.Float32)]
    [InlineData(3e-30, 4e-30, DType.Float32)]
    [InlineData(3e-44, 4e-44, DType.Float32)]
    [InlineData(3e300, 4e300, DType.Float64)]
    [InlineData(3e-300, 4e-300, DType.Float64)]
    public void Norm_ScalesWhereSquaresWouldOverflowOrUnderflow(double a, double b, DType dtype)
    {
        var x = Tensor.FromArray(new[] { a, b, 0, -a }, [4]).To(dtype);
        double expected = a * Math.Sqrt(2 + (b / a) * (b / a));
        double firstRow = a * Math.Sqrt(1 + (b / a) * (b / a));
        double tolerance = dtype == DType.Float32 && a < 1e-40 ? 0.05 : 1e-6; // float32 subnormals carry few digits
        Assert.True(RelativeError(x.Norm().Item(), expected) <= tolerance, $"{x.Norm().Item()} vs {expected}");
        Assert.True(RelativeError(x.Reshape(2, 2).Norm(dims: [1]).ToDoubleArray()[0], firstRow) <= tolerance);
    }

    [Fact]
    public void Norm_OfNaNInfAndEmpty_FollowsPyTorch()
    {
        Assert.True(double.IsNaN(Tensor.FromArray(new[] { 1f, float.NaN }).Norm().Item()));
        Assert.Equal(double.PositiveInfinity, Tensor.FromArray(new[] { 1f, float.NegativeInfinity }).Norm().Item());
        Assert.Equal(0.0, Tensor.Zeros(0).Norm().Item());
        Assert.Equal(0.0, Tensor.Zeros(3, 0).Sum(1).ToDoubleArray().Sum());
        Assert.Equal([0.0, 0.0], Tensor.Zeros(0, 2).Sum(0).ToDoubleArray());
    }

    public static TheoryData<int, string, string, DType> Table()
    {
        var data = new TheoryData<int, string, string, DType>();
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            foreach (int n in new[] { 1, 7, 1000, 4099, 123_457, 1_000_003 })
            {
                foreach (var kind in new[] { "constant", "alternating", "offset", "heavy" })
                {
                    foreach (var layout in new[] { "contiguous", "strided", "broadcast", "leading" })
                    {
                        // A million terms once per data kind and dtype (contiguous): the other layouts at that size
                        // add seconds and no path that 123,457 terms do not already take.
                        if (n < 1_000_000 || layout == "contiguous")
                        {
                            data.Add(n, kind, layout, dtype);
                        }
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Sum_IsWithinTheCascadeBound(int n, string kind, string layout, DType dtype)
    {
        var values = Data(n, kind, dtype);
        var (sums, terms, count) = layout switch
        {
            // 3 columns of a [3, n] tensor's transpose: each sum walks a strided column.
            "strided" => (Tensor.FromArray(Repeat(values, 3), [3, n]).To(dtype).T.Sum(0).ToDoubleArray(), values, n),
            // an expanded [n, 2] view of a column reduced over dim 0, as the backward of broadcasting does.
            "broadcast" => (Tensor.FromArray(values, [n, 1]).To(dtype).Expand(n, 2).Sum(0).ToDoubleArray(), values, n),
            // the middle dim of [2, n, 3]: whole rows added at a time.
            "leading" => (Tensor.FromArray(Repeat(values, 3, interleave: true), [1, n, 3]).To(dtype).Expand(2, n, 3).Sum(1).ToDoubleArray(), values, n),
            _ => (new[] { Tensor.FromArray(values, [n]).To(dtype).Sum().Item() }, values, n),
        };
        var (reference, absSum) = Reference(terms);
        double u = dtype == DType.Float32 ? U32 : U64;
        double bound = (20 + Math.Log2(count)) * u * absSum + double.Epsilon;
        Assert.All(sums, s => Assert.True(Math.Abs(s - reference) <= bound, $"{layout} {kind} n={n}: {s} vs {reference} (bound {bound})"));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SplitOverThreads_IsBitIdenticalToOneThread(DType dtype)
    {
        var x = Tensor.Randn([3_000_001], dtype, new Generator(5)) * 1000 + 7;
        var rows = Tensor.Randn([2, 70_001, 33], dtype, new Generator(6));
        double[] Run()
        {
            return [x.Sum().Item(), x.Mean().Item(), Tensor.Dot(x, x).Item(), x.Norm().Item(), .. rows.Sum(1).ToDoubleArray(), .. rows.Sum(2).ToDoubleArray()];
        }
        int saved = Parallelism.MaxThreads;
        double[] one, two;
        try
        {
            Parallelism.MaxThreads = 1;
            one = Run();
            Parallelism.MaxThreads = 2;
            two = Run();
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
        Assert.Equal(one, two);
    }

    private static double RelativeError(double value, double exact) => Math.Abs(value - exact) / Math.Abs(exact);

    private static double[] Data(int n, string kind, DType dtype)
    {
        var random = new Random(n * 31 + kind.Length);
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            double x = kind switch
            {
                "constant" => 0.1,
                "alternating" => (i % 2 == 0 ? 1 : -1) * (1 + random.NextDouble()),
                "offset" => 10000 + random.NextDouble() - 0.5,
                _ => Math.Tan(Math.PI * (random.NextDouble() - 0.5)), // Cauchy: heavy tails
            };
            v[i] = dtype == DType.Float32 ? (float)x : x;
        }
        return v;
    }

    private static double[] Repeat(double[] values, int times, bool interleave = false)
    {
        var r = new double[values.Length * times];
        for (int t = 0; t < times; t++)
        {
            for (int i = 0; i < values.Length; i++)
            {
                r[interleave ? i * times + t : t * values.Length + i] = values[i];
            }
        }
        return r;
    }

    /// <summary>Neumaier's compensated sum and Σ|x|, in float64.</summary>
    private static (double Sum, double AbsSum) Reference(double[] x)
    {
        double s = 0, c = 0, abs = 0;
        foreach (double v in x)
        {
            double t = s + v;
            c += Math.Abs(s) >= Math.Abs(v) ? (s - t) + v : (v - t) + s;
            s = t;
            abs += Math.Abs(v);
        }
        return (s + c, abs);
    }

    private static double ReferenceVariance(double[] data, int start, int stride, int n)
    {
        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            mean += data[start + i * stride];
        }
        mean /= n;
        double m2 = 0;
        for (int i = 0; i < n; i++)
        {
            double d = data[start + i * stride] - mean;
            m2 += d * d;
        }
        return m2 / (n - 1);
    }
}
