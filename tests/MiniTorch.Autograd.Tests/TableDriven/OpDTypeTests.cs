namespace MiniTorch.Tests.TableDriven;

/// <summary>Every row that supports float32, on every sample: the float32 result matches the float64 one (same inputs, rounded).</summary>
public class OpDTypeTests
{
    public static TheoryData<string, int> Cases() =>
        OpCases.Where((op, _) => op.DTypes.Contains(DType.Float32));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32MatchesFloat64(string op, int sample)
    {
        var (info, s) = OpCases.Get(op, sample);
        // The float64 reference is computed from the float32-rounded inputs, so only the arithmetic differs.
        var inputs32 = s.MakeInputs(5, DType.Float32);
        var inputs64 = Array.ConvertAll(inputs32, t => t.To(DType.Float64));
        var got = info.Call(inputs32, s.Args);
        var expected = info.Call(inputs64, s.Args);
        Assert.Equal(expected.Length, got.Length);
        for (int k = 0; k < got.Length; k++)
        {
            Assert.Equal(expected[k].Shape, got[k].Shape);
            if (!expected[k].DType.IsFloatingPoint())
            {
                // Masks (comparisons) are Bool and positions (ArgMax, Sort's indices…) Int64 whatever the input's
                // dtype: they must agree exactly.
                Assert.Equal(expected[k].DType, got[k].DType);
                Assert.Equal(expected[k].ToDoubleArray(), got[k].ToDoubleArray());
                continue;
            }
            Assert.Equal(DType.Float32, got[k].DType);
            var e = expected[k].ToDoubleArray();
            var g = got[k].ToDoubleArray();
            for (int j = 0; j < e.Length; j++)
            {
                Assert.True(Math.Abs(e[j] - g[j]) <= info.Float32Atol + info.Float32Rtol * Math.Abs(e[j]),
                    $"{s.Describe(info)} output {k} element {j}: float64 {e[j]:R}, float32 {g[j]:R}");
            }
        }
    }
}
