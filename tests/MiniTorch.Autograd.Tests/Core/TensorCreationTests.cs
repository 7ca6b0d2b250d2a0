namespace MiniTorch.Tests.Core;

public class TensorCreationTests
{
    [Fact]
    public void FromArrayCopiesAndKeepsShape()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var t = Tensor.FromArray(data, [2, 3]);
        data[0] = 100;
        Assert.Equal(new[] { 2, 3 }, t.Shape);
        Assert.Equal(new[] { 3, 1 }, t.Strides);
        Assert.Equal(1f, t.ToFloatArray()[0]);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(DType.Float64, Tensor.FromArray(new[] { 1.0 }).DType);
    }

    [Fact]
    public void FromArrayWithWrongShapeNamesBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[5], [2, 3]));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("5", e.Message);
    }

    [Fact]
    public void ArangeLinspaceEyeMatchPyTorch()
    {
        Assert.Equal(new float[] { 0, 1, 2, 3 }, Tensor.Arange(4).ToFloatArray());
        Assert.Equal(new float[] { 1, 1.5f, 2, 2.5f }, Tensor.Arange(1, 3, 0.5).ToFloatArray());
        Assert.Equal(new float[] { 5, 3, 1 }, Tensor.Arange(5, 0, -2).ToFloatArray());
        var lin = Tensor.Linspace(-5, 5, 100, DType.Float64).ToDoubleArray();
        Assert.Equal(-5.0, lin[0]);
        Assert.Equal(5.0, lin[^1]);
        Assert.Equal(10.0 / 99, lin[1] - lin[0], 12);
        Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0 }, Tensor.Eye(2, 3).ToFloatArray());
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 5, 0));
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 5, -1));
    }

    [Fact]
    public void FullZerosOnesAndLikes()
    {
        Assert.Equal(new float[] { 7, 7 }, Tensor.Full([2], 7).ToFloatArray());
        var d = Tensor.Ones([2, 2], DType.Float64);
        Assert.Equal(DType.Float64, Tensor.ZerosLike(d).DType);
        Assert.Equal(new[] { 2, 2 }, Tensor.OnesLike(d).Shape);
        Assert.Equal(0, Tensor.Scalar(3).Rank);
        Assert.Equal(3.0, Tensor.Scalar(3).Item());
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, -1));
        Assert.Contains("negative dimension", e.Message);
    }

    [Fact]
    public void SeededGeneratorsRepeatExactly()
    {
        var a = Tensor.Randn([100], DType.Float64, new Generator(42)).ToDoubleArray();
        var b = Tensor.Randn([100], DType.Float64, new Generator(42)).ToDoubleArray();
        var c = Tensor.Randn([100], DType.Float64, new Generator(43)).ToDoubleArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void RandIsUniformAndRandnIsStandardNormal()
    {
        var g = new Generator(7);
        var u = Tensor.Rand([100_000], DType.Float64, g);
        var n = Tensor.Randn([100_000], DType.Float64, g);
        Assert.InRange(u.Min().Item(), 0.0, 0.001);
        Assert.InRange(u.Max().Item(), 0.999, 1.0);
        Assert.InRange(u.Mean().Item(), 0.49, 0.51);
        Assert.InRange(n.Mean().Item(), -0.02, 0.02);
        Assert.InRange(n.Std().Item(), 0.98, 1.02);
    }

    [Fact]
    public void ItemOnManyElementsThrows()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(3).Item());
        Assert.Contains("3 elements", e.Message);
    }

    [Fact]
    public void ToArrayOfWrongElementTypeThrows()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(3).ToArray<double>());
        Assert.Contains("Float32", e.Message);
    }

    [Fact]
    public void BooleanConversionOfOneElementTensorAndErrorForMany()
    {
        Assert.True(Tensor.Scalar(1) > 0 ? true : false);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(2) ? 1 : 0);
        Assert.Contains("more than one value is ambiguous", e.Message);
    }
}
