namespace MiniTorch.Tests.Golden;

/// <summary>Runs alone: it changes the process-wide default dtype, which every other test's promotion reads.</summary>
[CollectionDefinition(nameof(DefaultDTypeChangingCollection), DisableParallelization = true)]
public sealed class DefaultDTypeChangingCollection;

/// <summary>torch.result_type's float64 column of the golden file: a double scalar stands for the default dtype.</summary>
[Collection(nameof(DefaultDTypeChangingCollection))]
public class DefaultFloat64ResultTypeTests
{
    [Fact]
    public void ResultTypeUnderDefaultFloat64MatchesTorch()
    {
        var before = Tensor.GetDefaultDType();
        Tensor.SetDefaultDType(DType.Float64);
        try
        {
            int checkedRows = 0;
            foreach (var row in DTypeGolden.Section("result_type"))
            {
                var a = row.GetProperty("a");
                var b = row.GetProperty("b");
                if (a.GetProperty("kind").GetString() == "scalar" && b.GetProperty("kind").GetString() == "scalar")
                {
                    continue;
                }
                var expected = DTypeGolden.ParseDType(row.GetProperty("result_default_float64").GetString()!);
                Assert.True(expected == DTypeArithmeticGoldenTests.ResultTypeOf(a, b), DTypeGolden.Describe(row));
                checkedRows++;
            }
            Assert.Equal(352, checkedRows);
            // An integer tensor divided or scaled by a double follows the default too, as in PyTorch.
            Assert.Equal(DType.Float64, (Tensor.FromArray([1L, 2L]) / 2).DType);
            Assert.Equal(DType.Float64, (Tensor.FromArray([1L, 2L]) * 0.5).DType);
        }
        finally
        {
            Tensor.SetDefaultDType(before);
        }
    }
}
