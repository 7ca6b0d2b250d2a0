using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>
/// Integer and bool tensors beyond the golden table: which C# overload a literal binds to (and so which dtype the
/// result has), MiniTorch's choices where PyTorch has none (INT64_MIN // −1), error messages, and the float32/float64
/// fast path's identity when no promotion is needed.
/// </summary>
public class IntegerSemanticsTests
{
    private static Tensor Longs(params long[] v) => Tensor.FromArray(v);

    [Fact]
    public void IntLiteralsBindToTheLongOverloads_DoubleLiteralsToTheDoubleOnes()
    {
        var i = Longs(1, 2, 3);
        var f = Tensor.FromArray(new float[] { 1, 2, 3 }, [3]);
        // int64 + 2 stays int64; int64 + 2.5 is the default float; float32 + 2 stays float32 (PyTorch's rules).
        Assert.Equal(DType.Int64, (i + 2).DType);
        Assert.Equal(DType.Int64, (2 * i).DType);
        Assert.Equal(DType.Int64, (10 - i).DType);
        Assert.Equal(DType.Float32, (i + 2.5).DType);
        Assert.Equal(DType.Float32, (i + 2.5f).DType);
        Assert.Equal(DType.Float32, (f + 2).DType);
        Assert.Equal(DType.Float32, (i / 2).DType); // true division
        Assert.Equal(new[] { 3L, 4, 5 }, (i + 2).ToLongArray());
        Assert.Equal(new[] { 3.5f, 4.5f, 5.5f }, (i + 2.5).ToFloatArray());
        Assert.Equal(new[] { 0.5f, 1, 1.5f }, (i / 2).ToFloatArray());
        int n = 3;
        short s = 2;
        Assert.Equal(DType.Int64, (i * n).DType);
        Assert.Equal(DType.Int64, (i - s).DType);
        Assert.Equal(DType.Int32, (i.To(DType.Int32) + 2).DType); // a tensor with dims wins within its category
        Assert.Equal(DType.Int64, (Tensor.FromArray([true, false]) + 1).DType);
        Assert.Equal(DType.Bool, (i > 1).DType);
        Assert.Equal(new[] { false, true, true }, (i > 1).ToBoolArray());
        Assert.Equal(new[] { false, true, true }, (i > 1.5).ToBoolArray());
        Assert.Equal(DType.Int64, i.Pow(2).DType);
        Assert.Equal(DType.Float32, i.Pow(2.0).DType);
        Assert.Equal(DType.Int64, Tensor.Where(i > 1, i, 0).DType);
        Assert.Equal(DType.Int64, i.Clamp(0, 2).DType);
        Assert.Equal(DType.Float32, i.Clamp(0.5, 2.5).DType);
    }

    [Fact]
    public void SameDTypeFloatOperands_TakeTheUnpromotedPath()
    {
        // No conversion node: the float32 operands are the recorded inputs themselves, as before promotion existed.
        var a = Tensor.FromArray(new float[] { 1, 2 }, [2], requiresGrad: true);
        var b = Tensor.FromArray(new float[] { 3, 4 }, [2], requiresGrad: true);
        var y = a * b;
        Assert.Equal("MulBackward", y.GradFn!.Name);
        Assert.All(y.GradFn.NextFunctions, e => Assert.Equal("AccumulateGrad", e!.Name));
    }

    [Fact]
    public void PromotedGradients_ComeBackInEachInputsDType()
    {
        var a = Tensor.FromArray(new float[] { 0.5f, -1.5f }, [2], requiresGrad: true);
        var b = Tensor.FromArray([0.25, 2.0], [2], requiresGrad: true);
        var y = a * b;
        Assert.Equal(DType.Float64, y.DType);
        y.Sum().Backward();
        Assert.Equal(DType.Float32, a.Grad!.DType);
        Assert.Equal(new[] { 0.25f, 2f }, a.Grad.ToFloatArray());
        Assert.Equal(DType.Float64, b.Grad!.DType);
        Assert.Equal(new[] { 0.5, -1.5 }, b.Grad.ToDoubleArray());
        // An integer operand takes part but gets nothing.
        var x = Tensor.FromArray(new float[] { 2f, 3f }, [2], requiresGrad: true);
        var z = x * Longs(4, 5);
        z.Sum().Backward();
        Assert.Equal(new[] { 4f, 5f }, x.Grad!.ToFloatArray());
    }

    [Fact]
    public void GradCheck_ThroughAPromotion_InFloat64()
    {
        // float64 leaves mixed with float32 and int64 constants: the conversion nodes are differentiable too.
        var g = new Generator(5);
        var x = Uniform(g, [3, 4]);
        var y = Uniform(g, [4]);
        var k = Tensor.FromArray([1L, -2L, 3L, 0L]);
        CheckGradients(t => t[0] * k + t[1] / (k.Abs() + 1), x, y);
        CheckGradients(t => Tensor.Where(k > 0, t[0], k) + Tensor.Cat([t[1], k]).Sum(), x, y);
    }

    [Fact]
    public void IntegerArithmeticWraps_AndDivisionFollowsPython()
    {
        Assert.Equal(new[] { long.MinValue }, (Longs(long.MaxValue) + 1).ToLongArray());
        Assert.Equal(new[] { long.MinValue }, (-Longs(long.MinValue)).ToLongArray());
        Assert.Equal(new[] { long.MinValue }, Longs(long.MinValue).Abs().ToLongArray());
        Assert.Equal(new[] { -4L, -4, 3, 3 }, Tensor.FloorDivide(Longs(-7, 7, 7, -7), Longs(2, -2, 2, -2)).ToLongArray());
        Assert.Equal(new[] { 1L, -1, 1, -1 }, (Longs(-7, 7, 7, -7) % Longs(2, -2, 2, -2)).ToLongArray());
        // PyTorch 1.13 dies with SIGFPE here; MiniTorch gives the wrapped quotient and a zero remainder.
        Assert.Equal(new[] { long.MinValue }, Tensor.FloorDivide(Longs(long.MinValue), -1).ToLongArray());
        Assert.Equal(new[] { 0L }, (Longs(long.MinValue) % -1).ToLongArray());
        var u = Tensor.FromArray(new byte[] { 0, 255 });
        Assert.Equal(new byte[] { 255, 254 }, (u - 1).ToArray<byte>());
        Assert.Equal(new byte[] { 1, 0 }, (u + 1).ToArray<byte>());
        // Floats: floor division and remainder with the divisor's sign, as torch.
        Assert.Equal(new[] { -4.0, 3.0 }, Tensor.FloorDivide(Tensor.FromArray([-7.5, 7.5], [2]), 2.0).ToDoubleArray());
        Assert.Equal(new[] { 0.5, -0.5 }, (Tensor.FromArray([-7.5, 7.5], [2]) % Tensor.FromArray([2.0, -2.0], [2])).ToDoubleArray());
    }

    [Fact]
    public void IntegerDivisionByZero_ThrowsDivideByZero_NamingTheOp()
    {
        var e = Assert.Throws<DivideByZeroException>(() => Tensor.FloorDivide(Longs(1, 2), Longs(1, 0)));
        Assert.Contains("FloorDivide", e.Message, StringComparison.Ordinal);
        Assert.Contains("ZeroDivisionError", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<DivideByZeroException>(() => Longs(1, 2) % 0);
        Assert.Contains("Remainder", e.Message, StringComparison.Ordinal);
        // True division of ints is float division: inf, as PyTorch.
        Assert.Equal(new[] { float.PositiveInfinity }, (Longs(1) / 0).ToFloatArray());
    }

    [Fact]
    public void BoolArithmetic_AndItsRefusals_AsPyTorch()
    {
        var t = Tensor.FromArray([true, true, false, false]);
        var u = Tensor.FromArray([true, false, true, false]);
        Assert.Equal(DType.Bool, (t + u).DType);
        Assert.Equal(new[] { true, true, true, false }, (t + u).ToBoolArray());
        Assert.Equal(new[] { true, false, false, false }, (t * u).ToBoolArray());
        Assert.Equal(new[] { false, true, true, false }, (t ^ u).ToBoolArray());
        Assert.Equal(new[] { true, false, false, false }, (t & u).ToBoolArray());
        Assert.Equal(new[] { true, true, true, false }, (t | u).ToBoolArray());
        Assert.Equal(new[] { false, false, true, true }, (~t).ToBoolArray());
        Assert.Equal(new[] { false, false, true, true }, (!t).ToBoolArray());
        AssertThrows<NotSupportedException>(() => _ = t - u, "Sub:", "two bool tensors", "LogicalXor");
        AssertThrows<NotSupportedException>(() => _ = Tensor.Ones(4) - t, "Sub:", "bool tensor", "LogicalNot");
        AssertThrows<NotSupportedException>(() => _ = -t, "Neg:", "bool tensor", "`~`");
        AssertThrows<NotSupportedException>(() => _ = ~Tensor.Ones(2), "BitwiseNot:", "Float32");
        AssertThrows<ArgumentException>(() => Longs(2).Pow(-1), "Pow:", "negative integer powers");
        AssertThrows<NotSupportedException>(() => Longs(2, 3).Mean(), "Mean:", "could not infer output dtype", "Long");
        // A mask drives if/while when it has one element, as Python's bool(tensor).
        Assert.True(Longs(3).Gt(2) ? true : false);
        Assert.False(Longs(3).Lt(2) ? true : false);
    }

    [Fact]
    public void Reductions_OfIntegersAndBools()
    {
        var m = Tensor.FromArray([3L, -1, 3, 0, -2, 7, 7, -2], [2, 4]);
        Assert.Equal(DType.Int64, m.Sum().DType);
        Assert.Equal(15L, m.Sum().Item<long>());
        Assert.Equal(new[] { 5L, 10 }, m.Sum(1).ToLongArray());
        Assert.Equal(DType.Int64, m.To(DType.Int32).Sum().DType);
        Assert.Equal(DType.Int64, Tensor.FromArray([true, true, false]).Sum().DType);
        Assert.Equal(2L, Tensor.FromArray([true, true, false]).Sum().Item<long>());
        Assert.Equal(7L, m.Max().Item<long>());
        Assert.Equal(DType.Int32, m.To(DType.Int32).Min().DType);
        Assert.Equal(new[] { true, true }, m.Any(1).ToBoolArray());
        Assert.Equal(new[] { false, true }, m.All(1).ToBoolArray()); // row 0 holds a 0
        Assert.True(Tensor.Zeros(0).All().Item<bool>());
        Assert.False(Tensor.Zeros(0).Any().Item<bool>());
        Assert.Equal(new[] { 3L, 2, 5, 5, -2, 5, 12, 10 }, m.Cumsum(1).ToLongArray());
        Assert.Equal(DType.Int64, Tensor.FromArray([true, true]).Cumsum(0).DType);
        Assert.Equal(new[] { 0.1f, 0.1f + 0.2f }, Tensor.FromArray(new float[] { 0.1f, 0.2f }, [2]).Cumsum(0).ToFloatArray());
    }

    [Fact]
    public void InPlaceOps_RefuseWhatCannotBeCastBack_AndKeepTheDTypeOtherwise()
    {
        var n = Longs(4, -3);
        AssertThrows<InvalidOperationException>(() => n.AddInPlace(0.5), "AddInPlace:", "result type Float can't be cast to the desired output type Long");
        AssertThrows<InvalidOperationException>(() => n.MulInPlace(Tensor.Ones(2)), "MulInPlace:", "result type Float can't be cast to the desired output type Long");
        AssertThrows<InvalidOperationException>(() => n.ClampInPlace(0.5, 2.5), "ClampInPlace:", "result type Float can't be cast");
        n.AddInPlace(Longs(1, 1).To(DType.Int32));
        n.MulInPlace(3);
        Assert.Equal(new[] { 15L, -6 }, n.ToLongArray());
        n.ClampInPlace(0, 10);
        Assert.Equal(new[] { 10L, 0 }, n.ToLongArray());
        var mask = Tensor.FromArray([true, false]);
        AssertThrows<InvalidOperationException>(() => mask.AddInPlace(1), "AddInPlace:", "result type Long can't be cast to the desired output type Bool");
    }

    [Fact]
    public void ResultType_PromoteTypes_AndCanCast()
    {
        Assert.Equal(DType.Float32, Tensor.PromoteTypes(DType.Float16, DType.BFloat16));
        Assert.Equal(DType.Int32, Tensor.PromoteTypes(DType.UInt8, DType.Int32));
        Assert.Equal(DType.UInt8, Tensor.ResultType(Tensor.Zeros([2], DType.UInt8), Tensor.Zeros([], DType.Int64)));
        Assert.Equal(DType.Float64, Tensor.ResultType(Tensor.Zeros([2], DType.Int64), Tensor.Zeros([], DType.Float64)));
        Assert.Equal(DType.Float16, Tensor.ResultType(Tensor.Zeros([2], DType.Float16), Tensor.Zeros([], DType.Float64)));
        Assert.True(Tensor.CanCast(DType.Int64, DType.Int32));
        Assert.False(Tensor.CanCast(DType.Float32, DType.Int64));
        Assert.False(Tensor.CanCast(DType.Int32, DType.Bool));
        Assert.True(Tensor.CanCast(DType.Bool, DType.UInt8));
    }
}
