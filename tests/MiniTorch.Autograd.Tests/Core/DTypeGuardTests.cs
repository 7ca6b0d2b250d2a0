namespace MiniTorch.Tests.Core;

/// <summary>
/// The float-only guard on integer, Bool and 16-bit input. Behaviours and messages are PyTorch 1.13's, printed with
/// <c>/usr/bin/python3</c> (e.g. <c>torch.tensor([[1, 2]]).softmax(1)</c> raises "softmax_lastdim_kernel_impl" not
/// implemented for 'Long'; <c>torch.exp(torch.tensor([1, 0]))</c> is float32; <c>torch.tensor([-1, 2]).relu()</c> is int64).
/// </summary>
/// <remarks>In the collection that runs alone: some tests here set the process-wide default dtype, which any test
/// running beside them would read (a parallel LogSumExp row once saw Float64).</remarks>
[Collection(nameof(Golden.DefaultDTypeChangingCollection))]
public class DTypeGuardTests
{
    [Fact]
    public void FloatOnlyOpsNameTheOpTheDTypeAndTheFix()
    {
        var x = Tensor.FromArray([1L, 2, 3, 4], [2, 2]);
        var e = Assert.Throws<NotSupportedException>(() => x.Softmax(1));
        Assert.Contains("Softmax", e.Message);
        Assert.Contains("\"softmax_lastdim_kernel_impl\" not implemented for 'Long'", e.Message);
        Assert.Contains("To(DType.Float32)", e.Message);
        var mm = Assert.Throws<NotSupportedException>(() => Tensor.Mm(x, x));
        Assert.Contains("Mm", mm.Message);
        Assert.Contains("Int64", mm.Message);
        var half = Assert.Throws<NotSupportedException>(() => x.To(DType.Float16).Exp());
        Assert.Contains("Exp", half.Message);
        Assert.Contains("'Half'", half.Message);
        Assert.Contains(".To(DType.Float32)", half.Message);
    }

    [Fact]
    public void UnaryFloatMathPromotesIntegersAndBoolsToTheDefaultDType()
    {
        var x = Tensor.FromArray([1L, 0]);
        var y = x.Exp();
        Assert.Equal(DType.Float32, y.DType);
        var values = y.ToArray<float>();
        Assert.Equal(Math.E, values[0], 1e-6);
        Assert.Equal(1f, values[1]);
        Assert.Equal(DType.Float32, Tensor.FromArray(new[] { true, false }).Sigmoid().DType);
        try
        {
            Tensor.SetDefaultDType(DType.Float64);
            Assert.Equal(DType.Float64, x.Sqrt().DType);
        }
        finally
        {
            Tensor.SetDefaultDType(DType.Float32);
        }
    }

    [Fact]
    public void ReluKeepsIntegersAndRefusesBool()
    {
        var r = Tensor.FromArray([-1L, 2, 0]).Relu();
        Assert.Equal(DType.Int64, r.DType);
        Assert.Equal(new long[] { 0, 2, 0 }, r.ToArray<long>());
        Assert.Equal(DType.Int32, Tensor.FromArray([-1L, 2]).To(DType.Int32).Relu().DType);
        var e = Assert.Throws<NotSupportedException>(() => Tensor.FromArray(new[] { true }).Relu());
        Assert.Contains("Boolean inputs not supported for relu", e.Message);
    }
}
