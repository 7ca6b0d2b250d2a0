namespace MiniTorch.Tests.Core;

/// <summary>
/// Creation defaults, To(DType), copies and views, typed data out and RequiresGrad for the non-floating dtypes.
/// Expected values were printed with PyTorch 1.13 (<c>/usr/bin/python3</c>, e.g. <c>torch.tensor([-1.5, 2.7]).to(torch.int64)</c>).
/// </summary>
/// <remarks>In the collection that runs alone: some tests here set the process-wide default dtype, which any test
/// running beside them would read (a parallel LogSumExp row once saw Float64).</remarks>
[Collection(nameof(Golden.DefaultDTypeChangingCollection))]
public class DTypeCoreTests
{
    [Fact]
    public void IntegerArangeIsInt64AndFloatingArangeUsesTheDefaultDType()
    {
        var a = Tensor.Arange(4);
        Assert.Equal(DType.Int64, a.DType);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, a.ToArray<long>());
        Assert.Equal(new long[] { 5, 3, 1 }, Tensor.Arange(5, 0, -2).ToArray<long>()); // torch.arange(5, 0, -2)
        Assert.Equal(new long[] { 2, 3 }, Tensor.Arange(2, 4).ToArray<long>());
        Assert.Empty(Tensor.Arange(0).ToArray<long>());
        Assert.Equal(DType.Float32, Tensor.Arange(4.0).DType);
        Assert.Equal(new float[] { 0, 0.25f, 0.5f, 0.75f }, Tensor.Arange(0.0, 1.0, 0.25).ToArray<float>());
        Assert.Equal(DType.Float64, Tensor.Arange(3, DType.Float64).DType);
        Assert.Equal(new double[] { 0, 1, 2 }, Tensor.Arange(3, DType.Float64).ToArray<double>());
    }

    [Fact]
    public void CreationFollowsTheDefaultDType()
    {
        try
        {
            Tensor.SetDefaultDType(DType.Float64);
            Assert.Equal(DType.Float64, Tensor.Zeros(2).DType);
            Assert.Equal(DType.Float64, Tensor.Ones([2]).DType);
            Assert.Equal(DType.Float64, Tensor.Scalar(1.5).DType);
            Assert.Equal(DType.Float64, Tensor.Full([1], 2).DType);
            Assert.Equal(DType.Float64, Tensor.Rand([2]).DType);
            Assert.Equal(DType.Float64, Tensor.Randn([2]).DType);
            Assert.Equal(DType.Float64, Tensor.Linspace(0, 1, 3).DType);
            Assert.Equal(DType.Float64, Tensor.Eye(2).DType);
            Assert.Equal(DType.Float64, Tensor.Arange(2.0).DType);
            Assert.Equal(DType.Int64, Tensor.Arange(2).DType);
            // With float64 the default, a float32 tensor names its dtype, as PyTorch prints it.
            Assert.Equal("tensor([1., 2.], dtype=torch.float32)", Tensor.FromArray(new float[] { 1, 2 }).ToString());
        }
        finally
        {
            Tensor.SetDefaultDType(DType.Float32);
        }
        Assert.Equal(DType.Float32, Tensor.Zeros(2).DType);
    }

    [Fact]
    public void FullZerosOnesScalarEyeAcceptEveryDType()
    {
        // torch.full((2,), 2.7, dtype=torch.int64) -> tensor([2, 2]); torch.full((2,), -0.5, dtype=torch.bool) -> all True.
        Assert.Equal(new long[] { 2, 2 }, Tensor.Full([2], 2.7, DType.Int64).ToArray<long>());
        Assert.Equal(new bool[] { true, true }, Tensor.Full([2], -0.5, DType.Bool).ToArray<bool>());
        Assert.Equal(new bool[] { false, false }, Tensor.Zeros([2], DType.Bool).ToArray<bool>());
        Assert.Equal(new int[] { 1, 1 }, Tensor.Ones([2], DType.Int32).ToArray<int>());
        Assert.Equal(new byte[] { 7 }, Tensor.Full([1], 7, DType.UInt8).ToArray<byte>());
        Assert.Equal((Half)1.5f, Tensor.Scalar(1.5, DType.Float16).Item<Half>());
        Assert.Equal(1.5f, (float)Tensor.Scalar(1.5, DType.BFloat16).Item<BFloat16>());
        Assert.Equal(new bool[] { true, false, false, true }, Tensor.Eye(2, dtype: DType.Bool).ToArray<bool>());
        Assert.Equal(new long[] { 1, 0, 0, 0, 1, 0 }, Tensor.Eye(2, 3, DType.Int64).ToArray<long>());
        var like = Tensor.ZerosLike(Tensor.Arange(3));
        Assert.Equal(DType.Int64, like.DType);
        Assert.Equal(DType.Bool, Tensor.OnesLike(Tensor.Zeros([2], DType.Bool)).DType);
    }

    [Theory]
    [InlineData(DType.Int64, "Long")]
    [InlineData(DType.Bool, "Bool")]
    [InlineData(DType.Int32, "Int")]
    public void RandAndRandnRefuseNonFloatingDTypesAsPyTorch(DType dtype, string torchName)
    {
        // torch.rand(2, dtype=torch.int64): "check_uniform_bounds" not implemented for 'Long'; randn: "normal_kernel_cpu".
        var rand = Assert.Throws<NotSupportedException>(() => Tensor.Rand([2], dtype));
        Assert.Contains($"\"check_uniform_bounds\" not implemented for '{torchName}'", rand.Message);
        Assert.Contains("Rand", rand.Message);
        var randn = Assert.Throws<NotSupportedException>(() => Tensor.Randn([2], dtype));
        Assert.Contains($"\"normal_kernel_cpu\" not implemented for '{torchName}'", randn.Message);
    }

    [Fact]
    public void RandInHalfPrecisionRoundsFloat32Samples()
    {
        var h = Tensor.Rand([4], DType.Float16, new Generator(3));
        var f = Tensor.Rand([4], DType.Float32, new Generator(3));
        Assert.Equal(DType.Float16, h.DType);
        var hv = h.ToArray<Half>();
        var fv = f.ToArray<float>();
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal((Half)fv[i], hv[i]);
        }
    }

    [Fact]
    public void RandintIsUniformInTheHalfOpenRangeAndDeterministic()
    {
        var a = Tensor.Randint(-3, 4, [2000], generator: new Generator(7));
        var b = Tensor.Randint(-3, 4, [2000], generator: new Generator(7));
        Assert.Equal(DType.Int64, a.DType);
        Assert.Equal(a.ToArray<long>(), b.ToArray<long>());
        var counts = new int[7];
        foreach (long v in a.ToArray<long>())
        {
            Assert.InRange(v, -3, 3);
            counts[v + 3]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 200, 380)); // 2000/7 ≈ 286 each
        Assert.Equal(DType.Int32, Tensor.Randint(10, [3], DType.Int32).DType);
        Assert.Equal(new[] { 2, 3 }, Tensor.Randint(5, [2, 3]).Shape);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Randint(4, 4, [2]));
        Assert.Contains("from=4 >= to=4", e.Message);
        // The full long range is one draw each, without overflow.
        Assert.Equal(3, Tensor.Randint(long.MinValue, long.MaxValue, [3]).Numel);
    }

    [Fact]
    public void ToConvertsAsPyTorch()
    {
        var x = Tensor.FromArray(new float[] { -1.5f, 2.7f, -0.2f, 0f });
        Assert.Equal(new long[] { -1, 2, 0, 0 }, x.To(DType.Int64).ToArray<long>());
        Assert.Equal(new int[] { -1, 2, 0, 0 }, x.To(DType.Int32).ToArray<int>());
        Assert.Equal(new bool[] { true, true, true, false }, x.To(DType.Bool).ToArray<bool>());
        // torch.tensor([-1.0, 300.0, 2.9]).to(torch.uint8) -> [255, 44, 2]
        Assert.Equal(new byte[] { 255, 44, 2 }, Tensor.FromArray(new[] { -1.0, 300.0, 2.9 }).To(DType.UInt8).ToArray<byte>());
        // Integers wrap: torch.tensor([2**31 + 5, -1]).to(torch.int32) -> [-2147483643, -1]
        Assert.Equal(new int[] { -2147483643, -1 }, Tensor.FromArray([(1L << 31) + 5, -1]).To(DType.Int32).ToArray<int>());
        Assert.Equal(new float[] { 1, 0 }, Tensor.FromArray(new[] { true, false }).To(DType.Float32).ToArray<float>());
        Assert.Equal(new long[] { 1, 0 }, Tensor.FromArray(new[] { true, false }).To(DType.Int64).ToArray<long>());
        // Float16: torch.tensor([1.0009765625, 65520.0, 3.14159]).half() -> [1.0009765625, inf, 3.140625]
        var h = Tensor.FromArray(new[] { 1.0009765625, 65520.0, 3.14159 }).To(DType.Float16).ToDoubleArray();
        Assert.Equal(new[] { 1.0009765625, double.PositiveInfinity, 3.140625 }, h);
        // BFloat16 rounds to nearest even: [1.00390625, 3.14159, 1.01171875] -> [1.0, 3.140625, 1.015625]
        var bf = Tensor.FromArray(new[] { 1.00390625, 3.14159, 1.01171875 }).To(DType.BFloat16).ToDoubleArray();
        Assert.Equal(new[] { 1.0, 3.140625, 1.015625 }, bf);
        // Int64 beyond 2^53 reaches Int64 exactly (no detour through double).
        long big = (1L << 62) + 1;
        Assert.Equal(1L, Tensor.FromArray([big]).To(DType.Int32).To(DType.Int64).Item<long>());
        Assert.Equal(big, Tensor.FromArray([big]).ToLongArray()[0]);
    }

    [Fact]
    public void ToIsIdentityForTheSameDTypeAndRecordsOnlyBetweenFloats()
    {
        var x = Tensor.FromArray(new[] { 1.5, -2.5 }, requiresGrad: true);
        Assert.Same(x, x.To(DType.Float64));
        var f = x.To(DType.Float32);
        Assert.NotNull(f.GradFn);
        var i = x.To(DType.Int64);
        Assert.Null(i.GradFn);
        Assert.False(i.RequiresGrad);
        Assert.Equal(new long[] { 1, -2 }, i.ToArray<long>());
        f.Sum().Backward();
        Assert.Equal(new[] { 1.0, 1.0 }, x.Grad!.ToArray<double>());
    }

    [Theory]
    [InlineData(DType.Int64)]
    [InlineData(DType.Bool)]
    [InlineData(DType.Int32)]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    public void CopiesAndViewsWorkForEveryDType(DType dtype)
    {
        var grid = Tensor.Arange(12).To(dtype).Reshape(3, 4); // 0..11; as Bool: 0 is False, the rest True
        var expected = Tensor.Arange(12).Reshape(3, 4);
        void Same(Tensor want, Tensor got)
        {
            Assert.Equal(dtype, got.DType);
            Assert.Equal(want.Shape, got.Shape);
            Assert.Equal(want.To(dtype).ToDoubleArray(), got.ToDoubleArray());
        }
        Same(expected.T.Contiguous(), grid.T.Contiguous());
        Assert.True(grid.T.Contiguous().IsContiguous);
        Same(expected.Clone(), grid.Clone());
        Assert.False(grid.Clone().SharesStorageWith(grid));
        Same(expected.View(4, 3), grid.View(4, 3));
        Same(expected.Transpose(0, 1).Reshape(12), grid.Transpose(0, 1).Reshape(12));
        Same(expected.Permute(1, 0), grid.Permute(1, 0));
        Same(expected.Narrow(1, 1, 2), grid.Narrow(1, 1, 2));
        Same(expected.Select(0, 2), grid.Select(0, 2));
        Same(expected.Unsqueeze(0).Squeeze(), grid.Unsqueeze(0).Squeeze());
        Same(expected.Narrow(0, 0, 1).Expand(2, 4), grid.Narrow(0, 0, 1).Expand(2, 4));
        Same(expected[1.., ..3], grid[1.., ..3]);
        Same(expected[^1, 1], grid[^1, 1]);
        Same(expected, grid.Detach());
        Assert.True(grid.Detach().SharesStorageWith(grid));
        // A large transposed copy goes through the tiled path.
        var big = Tensor.Arange(64 * 48).Reshape(64, 48);
        Same(big.T.Contiguous(), big.To(dtype).T.Contiguous());
    }

    [Fact]
    public void TypedReadersConvertAndStrictReadersNameTheDType()
    {
        var x = Tensor.FromArray([3L, -2, 0]);
        Assert.Equal(new float[] { 3, -2, 0 }, x.ToFloatArray());
        Assert.Equal(new float[] { 3, -2, 0 }, x.ToFloatArray());
        Assert.Equal(new double[] { 3, -2, 0 }, x.ToDoubleArray());
        Assert.Equal(new long[] { 3, -2, 0 }, x.ToLongArray());
        Assert.Equal(new int[] { 3, -2, 0 }, x.ToIntArray());
        Assert.Equal(new[] { true, true, false }, x.ToBoolArray());
        Assert.Equal(new long[] { 1, -2 }, Tensor.FromArray(new[] { 1.9, -2.9 }).ToLongArray());
        var e = Assert.Throws<ArgumentException>(() => x.ToArray<float>());
        Assert.Contains("ToArray<Single>", e.Message);
        Assert.Contains("Int64", e.Message);
        Assert.Contains("ToLongArray()", e.Message);
        var item = Assert.Throws<ArgumentException>(() => Tensor.Scalar(1, DType.Bool).Item<long>());
        Assert.Contains("Bool", item.Message);
        Assert.True(Tensor.Scalar(1, DType.Bool).Item<bool>());
        Assert.Equal(1.0, Tensor.Scalar(1, DType.Bool).Item());
        Assert.Equal(-2.0, x.GetValue(1));
        Assert.Equal(0.0, Tensor.FromArray(new[] { true, false }).GetValue(1));
        Assert.Equal(2.5, Tensor.Scalar(2.5, DType.Float16).Item());
        Assert.Equal(new long[] { -2, 0 }, x.Narrow(0, 1, 2).ToLongArray());
    }

    [Fact]
    public void OnlyFloatingTensorsCanRequireGrad()
    {
        var x = Tensor.Arange(3);
        var e = Assert.Throws<AutogradException>(() => x.RequiresGrad = true);
        Assert.Contains("Only Tensors of floating point and complex dtype can require gradients", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("RequiresGrad", e.Message);
        Assert.Contains("Int64", e.Message);
        Assert.Throws<AutogradException>(() => Tensor.Zeros([2], DType.Bool, requiresGrad: true));
        Assert.Throws<AutogradException>(() => Tensor.Arange(3, requiresGrad: true));
        x.RequiresGrad = false;
        Assert.True(Tensor.Zeros([2], DType.Float16, requiresGrad: true).RequiresGrad);
    }
}
