namespace MiniTorch.Tests.Core;

/// <summary>Which FromArray overload C# picks for collection expressions: integer literals give Int64, as torch.tensor does.</summary>
public class CreationOverloadTests
{
    [Fact]
    public void IntegerLiteralsGiveInt64NotTheNarrowestType()
    {
        Assert.Equal(DType.Int64, Tensor.FromArray([0, 2, 1]).DType); // would be UInt8 (byte[]) by C#'s better-conversion rule
        Assert.Equal(DType.Int64, Tensor.FromArray([-1, 2]).DType); // would be ambiguous with Half[]
        Assert.Equal(new long[] { 300, -5 }, Tensor.FromArray([300, -5], [2]).ToLongArray());
    }

    [Fact]
    public void FloatingAndBoolLiteralsKeepTheirTypes()
    {
        Assert.Equal(DType.Float64, Tensor.FromArray([0.5, 1]).DType);
        Assert.Equal(DType.Float32, Tensor.FromArray([0.5f, 1f]).DType);
        Assert.Equal(DType.Bool, Tensor.FromArray([true, false]).DType);
        Assert.Equal(DType.UInt8, Tensor.FromArray(new byte[] { 1, 2 }).DType);
        Assert.Equal(DType.Float32, Tensor.FromArray([1, 2], requiresGrad: true).DType); // only the floating overloads take requiresGrad
    }
}
