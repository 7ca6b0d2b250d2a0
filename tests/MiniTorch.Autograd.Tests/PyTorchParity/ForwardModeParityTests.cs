using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.PyTorchParity;

/// <summary>Forward-mode behaviours and error wordings that match PyTorch's test_autograd.py (TestAutogradForwardMode and gradcheck tests).</summary>
public class ForwardModeParityTests
{
    [Fact]
    public void ToStringOfADualShowsItsTangent()
    {
        using (ForwardAD.Enter())
        {
            var dual = ForwardAD.MakeDual(Tensor.FromArray([1f, 2]), Tensor.FromArray([0.5f, 0.25f]));
            // PyTorch: print(fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([.5, .25])))
            Assert.Equal("tensor([1., 2.], tangent=tensor([0.5000, 0.2500]))", dual.ToString());
            // Long suffixes wrap at PyTorch's line width, aligned under the first element.
            var wide = ForwardAD.MakeDual(Tensor.FromArray([1.0, 2]), Tensor.FromArray([0.5, 0.25]));
            Assert.Equal("tensor([1., 2.], dtype=torch.float64,\n       tangent=tensor([0.5000, 0.2500], dtype=torch.float64))", wide.ToString());
        }
    }

    [Fact]
    public void UnpackAfterTheLevelExitedGivesThePrimal()
    {
        // PyTorch's test_exit_level / unpack_dual outside the level: the tangent is None.
        Tensor dual;
        using (ForwardAD.Enter())
        {
            dual = ForwardAD.MakeDual(Tensor.FromArray([3.0]), Tensor.FromArray([1.0])) * 2;
        }
        var (primal, tangent) = ForwardAD.Unpack(dual);
        Assert.Null(tangent);
        AssertValues(primal, [1], 6);
        Assert.DoesNotContain("tangent", dual.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TangentOfTheWrongSizeUsesPyTorchsWords()
    {
        using (ForwardAD.Enter())
        {
            AssertThrows<ArgumentException>(() => ForwardAD.MakeDual(Tensor.Zeros(2), Tensor.Zeros(3)),
                "Trying to set a forward gradient that has a different size", "[2]", "[3]");
        }
    }

    [Fact]
    public void GradCheckOfAFunctionWithoutDifferentiableOutputs()
    {
        // PyTorch's test_gradcheck_nondeterministic neighbour: autograd_fn returns input.detach().
        var x = Tensor.Ones([5, 5], DType.Float64, requiresGrad: true);
        AssertThrows<GradCheckException>(() => GradCheck.Check(t => t[0].Detach(), [x], eps: 1e-6), "Numerical gradient for function expected to be zero");
    }

    [Fact]
    public void InPlaceOnADualUpdatesItsTangent()
    {
        // PyTorch: x = make_dual(p, t); x.mul_(2) → tangent 2t; x.add_(dual y) → tangent 2t + ty.
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(Tensor.FromArray([1.0, 2]), Tensor.FromArray([1.0, 1])) * 1;
            x.MulInPlace(2);
            AssertValues(ForwardAD.Unpack(x).Tangent!, [2], 2, 2);
            var y = ForwardAD.MakeDual(Tensor.FromArray([5.0, 5]), Tensor.FromArray([0.5, -0.5]));
            x.AddInPlace(y);
            AssertValues(ForwardAD.Unpack(x).Tangent!, [2], 2.5, 1.5);
        }
    }

    [Fact]
    public void InPlaceOnAViewOfADualUpdatesTheBasesTangent()
    {
        // PyTorch's test_view_inplace_differentiable_views: an in-place op through a view changes the base's tangent.
        using (ForwardAD.Enter())
        {
            var baseDual = ForwardAD.MakeDual(Tensor.FromArray([1.0, 2, 3, 4]), Tensor.FromArray([1.0, 1, 1, 1])) * 1;
            var view = baseDual.Narrow(0, 1, 2);
            view.MulInPlace(3);
            AssertValues(baseDual.Detach(), [4], 1, 6, 9, 4);
            AssertValues(ForwardAD.Unpack(baseDual).Tangent!, [4], 1, 3, 3, 1);
            AssertValues(ForwardAD.Unpack(view).Tangent!, [2], 3, 3);

            // A plain tensor written through a view with a dual value: the base becomes dual, zero elsewhere.
            var plain = Tensor.Zeros([2, 3], DType.Float64);
            var row = plain.Select(0, 1);
            row.CopyFromInPlace(ForwardAD.MakeDual(Tensor.FromArray([1.0, 2, 3]), Tensor.FromArray([7.0, 8, 9])));
            AssertValues(ForwardAD.Unpack(plain).Tangent!, [2, 3], 0, 0, 0, 7, 8, 9);

            // Index assignment on a plain tensor with a dual value.
            var target = Tensor.Zeros([3], DType.Float64);
            target[1..] = ForwardAD.MakeDual(Tensor.FromArray([4.0, 5]), Tensor.FromArray([1.0, 2]));
            AssertValues(ForwardAD.Unpack(target).Tangent!, [3], 0, 1, 2);
        }
    }
}
