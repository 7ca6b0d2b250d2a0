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
}
