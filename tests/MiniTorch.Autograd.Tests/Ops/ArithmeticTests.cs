using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Add, Sub, Mul, Div (tensor and scalar forms), Neg and SumToShape.</summary>
public class ArithmeticTests
{
    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor>> Binary = new()
    {
        ["Add"] = Tensor.Add,
        ["Sub"] = Tensor.Sub,
        ["Mul"] = Tensor.Mul,
        ["Div"] = Tensor.Div,
    };

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void BinaryOp_GradientsMatchFiniteDifferences_OnNonContiguousInputs(string op)
    {
        var g = new Generator(12);
        var a = Uniform(g, [4, 3]);
        var b = AwayFromZero(g, [3, 5], 0.5, 1.5);
        // Transposed, sliced, expanded and permuted operands, made inside the checked function.
        CheckGradients(t => Binary[op](t[0].T, t[1].Narrow(1, 1, 4)), a, b);
        CheckGradients(t => Binary[op](t[0].Narrow(0, 1, 2).Unsqueeze(0).Expand(2, 2, 3), t[1].Select(1, 2).Narrow(0, 0, 2).Unsqueeze(1)), a, b);
        var c = Uniform(g, [2, 3, 4]);
        CheckGradients(t => Binary[op](t[0].Permute(2, 0, 1), t[1].T.Narrow(0, 0, 2)), c, b);
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void BinaryOp_GradientsMatchFiniteDifferences_OnTransposedLeafViews(string op)
    {
        var g = new Generator(13);
        var a = TransposedLeaf(g, 3, 4);
        var b = TransposedLeaf(g, 3, 4, 0.5, 1.5);
        CheckGradients(t => Binary[op](t[0], t[1]), a, b);
        CheckGradients(t => Binary[op](t[0], t[1]), SlicedLeaf(g, 3, 4), SlicedLeaf(g, 1, 4, 0.5, 1.5));
    }

    [Fact]
    public void BinaryOp_SameTensorOnBothSides_AccumulatesBothGradients()
    {
        var g = new Generator(14);
        var a = AwayFromZero(g, [2, 3]);
        CheckGradients(t => t[0] * t[0] + t[0] / (t[0] * t[0] + 1), a);
        var x = Tensor.FromArray([3.0], [1], requiresGrad: true);
        (x * x).Sum().Backward();
        AssertValues(x.Grad!, [1], 6);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void BinaryOp_ForwardValues_BroadcastColumnAgainstRow(DType dtype)
    {
        var a = Make(dtype, [2, 1], 1, 2);
        var b = Make(dtype, [3], 10, 20, 30);
        AssertValues(a + b, [2, 3], 11, 21, 31, 12, 22, 32);
        AssertValues(a - b, [2, 3], -9, -19, -29, -8, -18, -28);
        AssertValues(a * b, [2, 3], 10, 20, 30, 20, 40, 60);
        AssertValues(a / b, [2, 3], 1 / 10.0, 1 / 20.0, 1 / 30.0, 2 / 10.0, 2 / 20.0, 2 / 30.0);
        Assert.Equal(dtype, (a + b).DType);
    }

    [Theory]
    [InlineData(new[] { 5, 3, 4, 6 }, new[] { 1, 3, 1, 1 })]
    [InlineData(new[] { 5, 3, 4, 6 }, new[] { 5, 1, 4, 6 })]
    [InlineData(new[] { 2, 3, 4, 6 }, new[] { 2, 3, 1, 1 })]
    [InlineData(new[] { 2, 3, 4, 6 }, new[] { 3, 4, 1 })]
    [InlineData(new[] { 7, 1, 5 }, new[] { 1, 3, 1 })]
    public void BinaryOp_ForwardValues_BroadcastRunsAreExact(int[] shapeA, int[] shapeB)
    {
        // Adjacent dims that both operands step through as one are run as longer rows; each element must still be
        // exactly op(a, b) of its own pair, in float32 (the ops round per element) and either operand order.
        var g = new Generator(shapeA.Length * 10 + shapeB.Length);
        var a = Uniform(g, shapeA, requiresGrad: false).To(DType.Float32);
        var b = AwayFromZero(g, shapeB, 0.5, 1.5).To(DType.Float32);
        var shape = Shapes.Broadcast("test", shapeA, shapeB);
        var aFull = a.Expand(shape).Contiguous().ToFloatArray();
        var bFull = b.Expand(shape).Contiguous().ToFloatArray();
        foreach (var (name, f) in new (string, Func<float, float, float>)[] { ("Add", (x, y) => x + y), ("Sub", (x, y) => x - y), ("Mul", (x, y) => x * y), ("Div", (x, y) => x / y) })
        {
            var ab = Binary[name](a, b).ToFloatArray();
            var ba = Binary[name](b, a).ToFloatArray();
            for (int i = 0; i < ab.Length; i++)
            {
                Assert.True(ab[i] == f(aFull[i], bFull[i]), $"{name}(a, b) element {i}: {ab[i]} against {f(aFull[i], bFull[i])}");
                Assert.True(ba[i] == f(bFull[i], aFull[i]), $"{name}(b, a) element {i}: {ba[i]} against {f(bFull[i], aFull[i])}");
            }
        }
        // A transposed operand breaks the runs: values still exact.
        var t = Uniform(g, [shape[^1], shape[^2]], requiresGrad: false).To(DType.Float32);
        var sum = (a + t.T).ToFloatArray();
        var tFull = t.T.Expand(shape).Contiguous().ToFloatArray();
        for (int i = 0; i < sum.Length; i++)
        {
            Assert.True(sum[i] == aFull[i] + tFull[i], $"a + t.T element {i}");
        }
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void BinaryOp_ForwardValues_NonContiguousOperands(DType dtype)
    {
        // m = [[1, 2, 3], [4, 5, 6]]; m.T = [[1, 4], [2, 5], [3, 6]]; column 1 of m.T is [4, 5, 6].
        var m = Make(dtype, [2, 3], 1, 2, 3, 4, 5, 6);
        AssertValues(m.T * m.T, [3, 2], 1, 16, 4, 25, 9, 36);
        AssertValues(m.T.Select(1, 1) - m[0], [3], 3, 3, 3);
        AssertValues(m.Narrow(1, 1, 2) + m.Narrow(1, 0, 1), [2, 2], 3, 4, 9, 10);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void ScalarOps_ForwardValues(DType dtype)
    {
        var x = Make(dtype, [3], -2, 0.5, 4);
        AssertValues(x + 1.5, [3], -0.5, 2, 5.5);
        AssertValues(1.5 + x, [3], -0.5, 2, 5.5);
        AssertValues(x - 1, [3], -3, -0.5, 3);
        AssertValues(1 - x, [3], 3, 0.5, -3);
        AssertValues(x * 3, [3], -6, 1.5, 12);
        AssertValues(3 * x, [3], -6, 1.5, 12);
        AssertValues(x / 2, [3], -1, 0.25, 2);
        AssertValues(2 / x, [3], -1, 4, 0.5);
        AssertValues(-x, [3], 2, -0.5, -4);
        Assert.Equal(dtype, (2 / x).DType);
    }

    [Fact]
    public void ScalarOps_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(15);
        var x = AwayFromZero(g, [2, 3], 0.3, 1.5);
        CheckGradients(t => t[0] + 2.5, x);
        CheckGradients(t => 2.5 - t[0], x);
        CheckGradients(t => t[0] - 2.5, x);
        CheckGradients(t => t[0] * -1.5, x);
        CheckGradients(t => t[0] / 4, x);
        CheckGradients(t => 3 / t[0], x);
        CheckGradients(t => -t[0].T, x);
    }

    [Fact]
    public void BinaryOp_GradFnNamesFollowPyTorch()
    {
        var a = Tensor.Ones([2], requiresGrad: true);
        var b = Tensor.Ones([2]);
        Assert.Equal("AddBackward", (a + b).GradFn!.Name);
        Assert.Equal("SubBackward", (a - b).GradFn!.Name);
        Assert.Equal("MulBackward", (a * b).GradFn!.Name);
        Assert.Equal("DivBackward", (a / b).GradFn!.Name);
        Assert.Equal("RsubBackward", (1 - a).GradFn!.Name);
        Assert.Equal("NegBackward", (-a).GradFn!.Name);
        Assert.Null((b + b).GradFn);
    }

    [Fact]
    public void BinaryOp_InputThatDoesNotRequireGrad_GetsNoGradient()
    {
        var a = Tensor.FromArray([1.0, 2], [2], requiresGrad: true);
        var b = Tensor.FromArray([3.0, 4], [2]);
        (a * b).Sum().Backward();
        AssertValues(a.Grad!, [2], 3, 4);
        Assert.Null(b.Grad);
    }

    [Fact]
    public void Div_ByZero_GivesInfinityAndNaN_AsPyTorch()
    {
        var x = Tensor.FromArray([1.0, -1, 0], [3]);
        AssertValues(x / Tensor.Zeros([3], DType.Float64), [3], double.PositiveInfinity, double.NegativeInfinity, double.NaN);
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void BinaryOp_ShapesThatDoNotBroadcast_Throw(string op)
    {
        var a = Tensor.Zeros(2, 3);
        var b = Tensor.Zeros(4);
        AssertThrows<ArgumentException>(() => Binary[op](a, b), $"{op}:", "[2, 3]", "[4]", "cannot be broadcast");
        AssertThrows<ArgumentException>(() => Binary[op](Tensor.Zeros(2, 1, 3), Tensor.Zeros(5, 2)), $"{op}:", "[2, 1, 3]", "[5, 2]", "dimension -1 is 3 in one and 2 in the other");
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void BinaryOp_MixedDTypes_Promote_AsPyTorch(string op)
    {
        // float32 ∘ float64 computes in float64 from the float32 value widened exactly (torch.result_type), either order.
        var a = Tensor.FromArray(new float[] { 0.1f, -2.5f }, [2]);
        var b = Tensor.FromArray([0.3, 4.0], [2]);
        Func<double, double, double> f = op switch
        {
            "Add" => (x, y) => x + y,
            "Sub" => (x, y) => x - y,
            "Mul" => (x, y) => x * y,
            _ => (x, y) => x / y,
        };
        var ab = Binary[op](a, b);
        var ba = Binary[op](b, a);
        Assert.Equal(DType.Float64, ab.DType);
        Assert.Equal(DType.Float64, ba.DType);
        Assert.Equal(new[] { f(0.1f, 0.3), f(-2.5, 4.0) }, ab.ToDoubleArray());
        Assert.Equal(new[] { f(0.3, 0.1f), f(4.0, -2.5) }, ba.ToDoubleArray());
    }

    [Fact]
    public void SumToShape_ReducesBroadcastDims()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], [2, 3]);
        AssertValues(x.SumToShape([3]), [3], 5, 7, 9);
        AssertValues(x.SumToShape([2, 1]), [2, 1], 6, 15);
        AssertValues(x.SumToShape([1, 1]), [1, 1], 21);
        AssertValues(x.SumToShape([]), [], 21);
        Assert.Same(x, x.SumToShape([2, 3]));
    }

    [Fact]
    public void SumToShape_ShapesItCannotReduceTo_Throw()
    {
        var x = Tensor.Zeros(2, 3);
        AssertThrows<ArgumentException>(() => x.SumToShape([4, 2, 3]), "SumToShape", "[2, 3]", "[4, 2, 3]");
        AssertThrows<ArgumentException>(() => x.SumToShape([2, 2]), "SumToShape", "[2, 3]", "[2, 2]");
    }
}
