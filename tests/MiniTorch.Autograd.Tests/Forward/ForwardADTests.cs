using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Forward;

/// <summary>The dual-tensor API: levels, MakeDual/Unpack, their errors, and that tangents never outlive their level.</summary>
public class ForwardADTests
{
    [Fact]
    public void MakeDualThenUnpackGivesThePrimalAndTheTangent()
    {
        var x0 = Tensor.FromArray([1.0, 2, 3]);
        var v = Tensor.FromArray([0.5, -1, 2]);
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(x0, v);
            Assert.True(x.SharesStorageWith(x0));
            var (primal, tangent) = ForwardAD.Unpack(x);
            AssertClose(x0, primal);
            Assert.Same(v, tangent);
            Assert.Null(ForwardAD.Unpack(primal).Tangent);
        }
    }

    [Fact]
    public void ElementwiseChainPropagatesTheTangent()
    {
        var x0 = Tensor.FromArray([0.3, -0.7]);
        var v = Tensor.FromArray([1.0, 2]);
        using (ForwardAD.Enter())
        {
            var y = (ForwardAD.MakeDual(x0, v).Sin() * 3 + 1).Exp();
            var tangent = ForwardAD.Unpack(y).Tangent!;
            // d/dx exp(3 sin x + 1) = exp(3 sin x + 1) · 3 cos x
            var expected = (x0.Sin() * 3 + 1).Exp() * x0.Cos() * 3 * v;
            AssertClose(expected, tangent);
        }
    }

    [Fact]
    public void MakeDualOutsideALevelThrows()
    {
        var x = Tensor.Zeros(2);
        AssertThrows<InvalidOperationException>(() => ForwardAD.MakeDual(x, x), "MakeDual", "no forward AD level is active", "ForwardAD.Enter()");
    }

    [Fact]
    public void MakeDualWithAMismatchedTangentNamesBothShapesAndDTypes()
    {
        using (ForwardAD.Enter())
        {
            AssertThrows<ArgumentException>(() => ForwardAD.MakeDual(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)), "MakeDual", "[2, 3]", "[3, 2]");
            AssertThrows<ArgumentException>(() => ForwardAD.MakeDual(Tensor.Zeros(2), Tensor.Zeros([2], DType.Float64)), "MakeDual", "Float32", "Float64");
        }
    }

    [Fact]
    public void MakeDualOnADualOfTheSameLevelThrows()
    {
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(Tensor.Zeros(2), Tensor.Ones(2));
            AssertThrows<ArgumentException>(() => ForwardAD.MakeDual(x, Tensor.Ones(2)), "MakeDual", "already has a tangent");
        }
    }

    [Fact]
    public void UnpackOfATensorWhoseLevelWasExitedGivesThePrimalAndMakeDualThrowsNamingTheLevel()
    {
        Tensor x;
        int id;
        using (var level = ForwardAD.Enter())
        {
            id = level.Id;
            x = ForwardAD.MakeDual(Tensor.Zeros(2), Tensor.Ones(2));
        }
        // As PyTorch's unpack_dual: after its level the tensor is its primal.
        var (primal, tangent) = ForwardAD.Unpack(x);
        Assert.Null(tangent);
        Assert.Equal([0f, 0f], primal.ToFloatArray());
        using (ForwardAD.Enter())
        {
            Assert.Null(ForwardAD.Unpack(x).Tangent);
            AssertThrows<InvalidOperationException>(() => ForwardAD.MakeDual(x, Tensor.Ones(2)), "MakeDual", $"level {id}", "exited");
        }
    }

    [Fact]
    public void TangentsDoNotLeakOutOfTheirLevel()
    {
        Tensor x;
        using (ForwardAD.Enter())
        {
            x = ForwardAD.MakeDual(Tensor.FromArray([1.0, 2]), Tensor.FromArray([1.0, 1]));
        }
        // Outside any level, ops carry no tangent.
        var y = x.Sin() * 2;
        Assert.Null(y.TangentValue);
        Assert.Null(ForwardAD.Unpack(y).Tangent);
        // In a later level the stale tangent is not picked up either.
        using (ForwardAD.Enter())
        {
            var z = x * 3 + x.Exp();
            Assert.Null(ForwardAD.Unpack(z).Tangent);
            Assert.Null(ForwardAD.Unpack(y).Tangent);
        }
        Assert.False(ForwardAD.IsActive);
    }

    [Fact]
    public void NestedLevelsGetNewIdsAndOnlyTheInnermostPropagates()
    {
        using (var outer = ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(Tensor.FromArray([1.0, 2]), Tensor.FromArray([1.0, 0]));
            using (var inner = ForwardAD.Enter())
            {
                Assert.NotEqual(outer.Id, inner.Id);
                Assert.Same(inner, ForwardAD.CurrentLevel);
                // x's tangent belongs to the enclosing level: not the current level's.
                Assert.Null(ForwardAD.Unpack(x).Tangent);
                var w = ForwardAD.MakeDual(Tensor.FromArray([3.0]), Tensor.FromArray([2.0]));
                AssertClose(Tensor.FromArray([24.0]), ForwardAD.Unpack(w * w * 2).Tangent!); // 4w·dw
                // Carrying an enclosing level's tangent through an inner op would drop it silently: refused.
                AssertThrows<NotSupportedException>(() => _ = x * 2, "nested forward AD", $"level {outer.Id}");
            }
            Assert.Same(outer, ForwardAD.CurrentLevel);
            AssertClose(Tensor.FromArray([2.0, 0]), ForwardAD.Unpack(x * 2).Tangent!);
        }
        Assert.Null(ForwardAD.CurrentLevel);
    }

    [Fact]
    public void ExitingLevelsOutOfOrderThrows()
    {
        var outer = ForwardAD.Enter();
        var inner = ForwardAD.Enter();
        try
        {
            AssertThrows<InvalidOperationException>(outer.Dispose, "innermost first");
        }
        finally
        {
            inner.Dispose();
            outer.Dispose();
        }
        Assert.True(outer.IsExited);
        Assert.False(ForwardAD.IsActive);
    }

    [Fact]
    public void TangentsPropagateWithGradModeOffAndInFloat32()
    {
        using (ForwardAD.Enter())
        using (Autograd.NoGrad())
        {
            var x = ForwardAD.MakeDual(Tensor.FromArray([0.5f, 1f]), Tensor.FromArray([1f, 2f]));
            var tangent = ForwardAD.Unpack(x.Tanh()).Tangent!;
            Assert.Equal(DType.Float32, tangent.DType);
            AssertValues(tangent, [2], 1 - Math.Pow(Math.Tanh(0.5), 2), 2 * (1 - Math.Pow(Math.Tanh(1), 2)));
        }
    }

    [Fact]
    public void ToConvertsTheTangentAndComparisonsCarryNone()
    {
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(Tensor.FromArray([1.5, -2]), Tensor.FromArray([0.25, 4]));
            var tangent = ForwardAD.Unpack(x.To(DType.Float32)).Tangent!;
            Assert.Equal(DType.Float32, tangent.DType);
            AssertValues(tangent, [2], 0.25, 4);
            // A mask is piecewise constant: no tangent, which reads as zero.
            Assert.Null(ForwardAD.Unpack(x.Gt(0)).Tangent);
            Assert.Null(ForwardAD.Unpack(x.ArgMax(0)).Tangent);
        }
    }

    [Fact]
    public void DetachDropsTheTangent()
    {
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(Tensor.FromArray([1.0]), Tensor.FromArray([1.0]));
            Assert.Null(ForwardAD.Unpack(x.Detach()).Tangent);
        }
    }

    [Fact]
    public void AFunctionWithoutJvpRefusesDualInputsNamingIt()
    {
        var x0 = Tensor.FromArray([1.0, 2]);
        using (ForwardAD.Enter())
        {
            // Plain inputs are fine inside a level.
            AssertClose(x0.Pow(3), new CubeWithoutJvp().Apply(x0));
            var x = ForwardAD.MakeDual(x0, Tensor.OnesLike(x0));
            AssertThrows<NotSupportedException>(() => new CubeWithoutJvp().Apply(x), "CubeWithoutJvp", "Jvp");
        }
    }

    [Fact]
    public void InPlaceOnAViewOfADualUpdatesTheBasesTangent()
    {
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(Tensor.Zeros([2, 2], DType.Float64), Tensor.Ones([2, 2], DType.Float64));
            var row = x.Select(0, 0);
            var before = ForwardAD.Unpack(x).Tangent!;
            row.MulInPlace(2);
            AssertClose(Tensor.FromArray(new double[,] { { 2, 2 }, { 1, 1 } }), ForwardAD.Unpack(x).Tangent!);
            AssertClose(Tensor.FromArray([2.0, 2]), ForwardAD.Unpack(row).Tangent!);
            AssertClose(Tensor.Ones([2, 2], DType.Float64), before); // tangents are replaced, never mutated
        }
    }

    [Fact]
    public void InPlaceOnADualUpdatesItsTangent()
    {
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(Tensor.FromArray([1.0, 2]), Tensor.FromArray([1.0, 1]));
            var y = ForwardAD.MakeDual(Tensor.FromArray([3.0, 4]), Tensor.FromArray([0.5, -1]));
            x.MulInPlace(y); // d(xy) = dx·y + x·dy
            AssertClose(Tensor.FromArray([3.0, 8]), ForwardAD.Unpack(x).Primal);
            AssertClose(Tensor.FromArray([3.5, 2]), ForwardAD.Unpack(x).Tangent!);
            x.ZeroInPlace();
            AssertClose(Tensor.FromArray([0.0, 0]), ForwardAD.Unpack(x).Tangent ?? Tensor.Zeros([2], DType.Float64));
        }
    }

    [Fact]
    public void AFunctionReturningItsInputNeverRewritesTheInputsTangent()
    {
        using (ForwardAD.Enter())
        {
            var v = Tensor.FromArray([1.0, 2]);
            var x = ForwardAD.MakeDual(Tensor.FromArray([3.0, 4]), v);
            var y = new DoublingTangentIdentity().Apply(x);
            Assert.NotSame(x, y);
            Assert.Same(v, ForwardAD.Unpack(x).Tangent);
            AssertClose(v * 2, ForwardAD.Unpack(y).Tangent!);
        }
    }

    /// <summary>Returns its input object; its (deliberately odd) forward rule doubles the tangent, so overwriting the input's would show.</summary>
    private sealed class DoublingTangentIdentity : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput];

        protected override Tensor? Jvp(FunctionContext ctx, Tensor?[] inputTangents) => inputTangents[0]! * 2;
    }

    private sealed class CubeWithoutJvp : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0].Pow(3);

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => throw new NotSupportedException();
    }
}
