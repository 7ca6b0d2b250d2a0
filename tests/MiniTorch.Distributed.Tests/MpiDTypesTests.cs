namespace MiniTorch.Distributed.Tests;

/// <summary>Which dtype and op combinations the collectives accept, checked without MPI (the refusals come first).</summary>
public sealed class MpiDTypesTests
{
    [Fact]
    public void An_unknown_dtype_is_a_NotSupportedException_naming_the_collective_never_another_dtypes_datatype()
    {
        var transfer = Assert.Throws<NotSupportedException>(() => MpiDTypes.Transfer((DType)42, "Broadcast"));
        Assert.Equal(
            "Distributed.Broadcast: dtype 42 is not a MiniTorch dtype, so it has no MPI datatype (the collectives know Float32, Float64, Int64, Int32, UInt8, Bool, Float16 and BFloat16).",
            transfer.Message);
        var reduction = Assert.Throws<NotSupportedException>(() => MpiDTypes.CheckReduction((DType)42, ReduceOp.Sum, "AllReduce"));
        Assert.StartsWith("Distributed.AllReduce: dtype 42 is not a MiniTorch dtype", reduction.Message, StringComparison.Ordinal);
        var op = Assert.Throws<ArgumentOutOfRangeException>(() => MpiDTypes.CheckReduction(DType.Float32, (ReduceOp)9, "AllReduce"));
        Assert.Contains("Distributed.AllReduce: 9 is not a ReduceOp", op.Message, StringComparison.Ordinal);
    }

    [Theory]
    // Floating: every op. Integers and bool: every op but Avg (their mean is not one of them; torch.mean of Long is an
    // error and PyTorch's NCCL backend refuses AVG for bool). Half types: none (Open MPI 4 has no type to compute with).
    [InlineData(DType.Float32, "Sum Avg Max Min")]
    [InlineData(DType.Float64, "Sum Avg Max Min")]
    [InlineData(DType.Int64, "Sum Max Min")]
    [InlineData(DType.Int32, "Sum Max Min")]
    [InlineData(DType.UInt8, "Sum Max Min")]
    [InlineData(DType.Bool, "Sum Max Min")]
    [InlineData(DType.Float16, "")]
    [InlineData(DType.BFloat16, "")]
    public void Reductions_accepted_per_dtype(DType dtype, string accepted)
    {
        foreach (var op in new[] { ReduceOp.Sum, ReduceOp.Avg, ReduceOp.Max, ReduceOp.Min })
        {
            bool expected = accepted.Split(' ').Contains(op.ToString());
            var error = Record.Exception(() => MpiDTypes.CheckReduction(dtype, op, "AllReduce"));
            if (expected)
            {
                Assert.Null(error);
            }
            else
            {
                var refused = Assert.IsType<NotSupportedException>(error);
                Assert.Contains(dtype.TorchName(), refused.Message, StringComparison.Ordinal);
                Assert.StartsWith("Distributed.AllReduce", refused.Message, StringComparison.Ordinal);
            }
        }
    }
}
