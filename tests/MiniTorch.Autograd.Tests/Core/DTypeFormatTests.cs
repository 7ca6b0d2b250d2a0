namespace MiniTorch.Tests.Core;

/// <summary>
/// Printing of every dtype. Each expected string was printed by PyTorch 1.13 (<c>/usr/bin/python3 -c "import torch;
/// print(repr(str(torch.tensor([1, 2]))))"</c> and likewise for each case) and pasted here.
/// </summary>
public class DTypeFormatTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "i64", "tensor([1, 2])" },
        { "bool", "tensor([ True, False])" },
        { "i32", "tensor([1, 2], dtype=torch.int32)" },
        { "f16", "tensor([1., 2.], dtype=torch.float16)" },
        { "bf16", "tensor([ 1.5000, -2.2500], dtype=torch.bfloat16)" },
        { "wide", "tensor([    1,  -200, 30000])" },
        { "empty_i64", "tensor([], dtype=torch.int64)" },
        { "empty_bool2", "tensor([], size=(0, 3), dtype=torch.bool)" },
        { "scalar_i64", "tensor(5)" },
        { "scalar_bool", "tensor(True)" },
        { "u8", "tensor([  0, 255], dtype=torch.uint8)" },
        { "mat_i64", "tensor([[0, 1, 2],\n        [3, 4, 5]])" },
        { "long_row", "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])" },
        { "big", "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])" },
        { "bool2d", "tensor([[ True, False],\n        [False,  True]])" },
        { "f64", "tensor([1., 2.], dtype=torch.float64)" },
        { "i64big", "tensor([4611686018427387904,                  -1])" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PrintsAsPyTorch(string name, string expected)
    {
        Tensor t = name switch
        {
            "i64" => Tensor.FromArray([1L, 2]),
            "bool" => Tensor.FromArray(new[] { true, false }),
            "i32" => Tensor.FromArray([1L, 2]).To(DType.Int32),
            "f16" => Tensor.FromArray(new float[] { 1, 2 }).To(DType.Float16),
            "bf16" => Tensor.FromArray(new float[] { 1.5f, -2.25f }).To(DType.BFloat16),
            "wide" => Tensor.FromArray([1L, -200, 30000]),
            "empty_i64" => Tensor.Zeros([0], DType.Int64),
            "empty_bool2" => Tensor.Zeros([0, 3], DType.Bool),
            "scalar_i64" => Tensor.Scalar(5, DType.Int64),
            "scalar_bool" => Tensor.Scalar(1, DType.Bool),
            "u8" => Tensor.FromArray(new byte[] { 0, 255 }),
            "mat_i64" => Tensor.Arange(6).Reshape(2, 3),
            "long_row" => Tensor.Arange(30),
            "big" => Tensor.Arange(2000),
            "bool2d" => Tensor.Eye(2, dtype: DType.Bool),
            "f64" => Tensor.FromArray(new double[] { 1, 2 }),
            "i64big" => Tensor.FromArray([1L << 62, -1]),
            _ => throw new ArgumentException(name),
        };
        Assert.Equal(expected, t.ToString());
    }
}
