using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.PyTorchParity;

/// <summary>
/// Hessian-vector products through every view op, ported from PyTorch's test/autograd/test_functional.py
/// (<c>test_hessian_match_vhp_hvp</c>, <c>test_hvp_create_graph</c>). Hvp runs the backward of each view on dual
/// gradients (forward over reverse), so a view whose backward dropped the tangent gave H·v = 0: the regression
/// of issue 18 was the backward of a slice (Narrow, indexing).
/// </summary>
public class HvpThroughViewsTests
{
    [Fact]
    public void HvpThroughNarrowIsNotZero()
    {
        // The case of the issue: x = [.1, .2, .3, .4], v = ones; H = diag(exp(x₀..x₂), 0).
        var x = Tensor.FromArray([0.1, 0.2, 0.3, 0.4]);
        var v = Tensor.OnesLike(x);
        var (_, hvp) = Autograd.Derivatives.Hvp(a => a.Narrow(0, 0, 3).Exp().Sum(), x, v);
        AssertValues(hvp, [4], Math.Exp(0.1), Math.Exp(0.2), Math.Exp(0.3), 0);
    }

    [Fact]
    public void HessianMatchesVhpAndHvp()
    {
        // PyTorch: foo(a) = 3 * a.narrow(0, 0, 3).exp().sum(); hvp == H·v and vhp == vᵀ·H.
        static Tensor Foo(Tensor a) => (a.Narrow(0, 0, 3).Exp() * 3).Sum();
        var g = new Generator(18);
        var inputs = Tensor.Rand([4], DType.Float64, g);
        var v = Tensor.Rand([4], DType.Float64, g);
        var res = Autograd.Derivatives.Hessian(Foo, inputs);
        var hvp = Autograd.Derivatives.Hvp(Foo, inputs, v).Hvp;
        var vhp = Autograd.Derivatives.Vhp(Foo, inputs, v).Vhp;
        AssertClose(Tensor.Mm(res, v.Unsqueeze(1)).Squeeze(1), hvp, 1e-12);
        AssertClose(Tensor.Mm(v.Unsqueeze(0), res).Squeeze(0), vhp, 1e-12);
    }

    /// <summary>A scalar function through one view op each; the view is of x [2, 3, 4] (or of something built from it).</summary>
    public static TheoryData<string> ViewOps => new()
    {
        "Narrow", "IndexRange", "IndexInt", "Select", "Expand", "Permute", "Transpose", "View", "Reshape",
        "ReshapeCopy", "Squeeze", "Unsqueeze", "CatSplit", "Flatten", "T",
    };

    private static Tensor ThroughView(string op, Tensor x) => op switch
    {
        "Narrow" => x.Narrow(2, 1, 2).Exp().Sum(),
        "IndexRange" => x[1.., .., 1..3].Exp().Sum(),
        "IndexInt" => x[1, .., ^1].Exp().Sum(),
        "Select" => (x.Select(1, 2).Sin() * x.Select(1, 0)).Sum(),
        "Expand" => (x.Narrow(0, 0, 1).Expand(3, 3, 4).Exp() * Tensor.Arange(0, 3, 1, DType.Float64).View(3, 1, 1)).Sum(),
        "Permute" => (x.Permute(2, 0, 1).Exp() * Tensor.Arange(0, 24, 1, DType.Float64).View(4, 2, 3)).Sum(),
        "Transpose" => (x.Transpose(0, 2).Exp() * Tensor.Arange(0, 24, 1, DType.Float64).View(4, 3, 2)).Sum(),
        "View" => (x.View(6, 4).Exp() * Tensor.Arange(0, 24, 1, DType.Float64).View(6, 4)).Sum(),
        "Reshape" => (x.Reshape(4, -1).Sin().Pow(2)).Sum(),
        "ReshapeCopy" => (x.Transpose(0, 1).Reshape(-1).Exp() * Tensor.Arange(0, 24, 1, DType.Float64)).Sum(),
        "Squeeze" => (x.Narrow(1, 0, 1).Squeeze(1).Exp() * x.Narrow(1, 1, 1).Squeeze()).Sum(),
        "Unsqueeze" => (x.Unsqueeze(1).Exp() * x.Unsqueeze(0).Cos()).Sum(),
        "CatSplit" => Tensor.Cat([x, x.Narrow(2, 0, 2) * x.Narrow(2, 2, 2)], 2).Narrow(2, 3, 3).Exp().Sum(),
        "Flatten" => (x.Flatten(1).Exp() * x.Flatten().View(2, 12)).Sum(),
        "T" => Tensor.Mm(x.Select(0, 0).T, x.Select(0, 1)).Exp().Sum(),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(ViewOps))]
    public void HvpEqualsHessianTimesVThroughEveryViewOp(string op)
    {
        var g = new Generator(7);
        var x = Uniform(g, [2, 3, 4], requiresGrad: false) * 0.5;
        var v = Uniform(g, [2, 3, 4], requiresGrad: false);
        var h = Autograd.Derivatives.Hessian(a => ThroughView(op, a), x).View(24, 24);
        var expected = Tensor.Matmul(h, v.Reshape(24)).View(2, 3, 4);
        var (_, hvp) = Autograd.Derivatives.Hvp(a => ThroughView(op, a), x, v);
        Assert.True(expected.Abs().Sum().Item() > 1e-3, $"{op}: the Hessian is zero, the test would prove nothing");
        AssertClose(expected, hvp, 1e-10);
        var (_, vhp) = Autograd.Derivatives.Vhp(a => ThroughView(op, a), x, v);
        AssertClose(Tensor.Matmul(h.T, v.Reshape(24)).View(2, 3, 4), vhp, 1e-10);

        // With createGraph the product is differentiable: it has a GradFn and passes GradCheck in x and v.
        var xg = x.Clone().SetRequiresGrad();
        var vg = v.Clone().SetRequiresGrad();
        var (output, hvpGraph) = Autograd.Derivatives.Hvp(a => ThroughView(op, a), xg, vg, createGraph: true);
        Assert.NotNull(output.GradFn);
        Assert.NotNull(hvpGraph.GradFn);
        AssertClose(expected, hvpGraph, 1e-10);
    }

    [Fact]
    public void HvpCreateGraph()
    {
        // PyTorch's test_hvp_create_graph, first and second parts.
        static Tensor Foo(Tensor a) => (a.Narrow(0, 0, 3).Exp() * 3).Sum();
        var g = new Generator(11);
        var inputs = Tensor.Rand([4], DType.Float64, g).SetRequiresGrad();
        var v = Tensor.Ones([4], DType.Float64, requiresGrad: true);
        var (res0, res1) = Autograd.Derivatives.Hvp(Foo, inputs, v, createGraph: true);
        Assert.Equal(inputs.Shape, res1.Shape);
        Assert.NotNull(res0.GradFn);
        Assert.NotNull(res1.GradFn);
        Tensor[] HvpOf(Tensor[] t)
        {
            var (o, h) = Autograd.Derivatives.Hvp(Foo, t[0], t[1], createGraph: true);
            return [o, h];
        }
        Assert.True(GradCheck.Check(HvpOf, [inputs, v]));
        Assert.True(GradCheck.GradGradCheck(HvpOf, [inputs, v]));

        static Tensor Bar(Tensor[] ab) => (ab[0] + ab[1].Narrow(0, 0, 3) * 3).Exp().Sum();
        Tensor[] barInputs = [Tensor.Rand([3], DType.Float64, g).SetRequiresGrad(), Tensor.Rand([4], DType.Float64, g).SetRequiresGrad()];
        Tensor[] barV = [Tensor.Ones([3], DType.Float64, requiresGrad: true), Tensor.Ones([4], DType.Float64, requiresGrad: true)];
        var (outBar, hvpBar) = Autograd.Derivatives.Hvp(Bar, barInputs, barV, createGraph: true);
        Assert.NotNull(outBar.GradFn);
        Assert.NotNull(hvpBar[0].GradFn);
        Assert.NotNull(hvpBar[1].GradFn);
        Tensor[] BarHvp(Tensor[] t)
        {
            var (o, h) = Autograd.Derivatives.Hvp(Bar, [t[0], t[1]], [t[2], t[3]], createGraph: true);
            return [o, h[0], h[1]];
        }
        Tensor[] all = [.. barInputs, .. barV];
        Assert.True(GradCheck.Check(BarHvp, all));
        Assert.True(GradCheck.GradGradCheck(BarHvp, all));

        // Hvp inside a differentiated function.
        Tensor Outer(Tensor[] args)
        {
            var x = args[0].Cos();
            var y = args[1];
            var (val, grad) = Autograd.Derivatives.Hvp(Bar, [x, y], [args[2], args[3]], createGraph: true);
            return val.Cos() + grad[0].Cos().Sum() + grad[1].Cos() + x.Cos().Sum() + y.Cos();
        }
        Assert.True(GradCheck.Check(Outer, all));
        Assert.True(GradCheck.GradGradCheck(Outer, all));
    }
}

/// <summary><c>strict=True</c> of torch.autograd.functional: an output independent of an input is an error with PyTorch's words.</summary>
public class FunctionalStrictTests
{
    [Fact]
    public void StrictRejectsIndependentOutputsAndGradients()
    {
        var x = Tensor.Rand([3], DType.Float64, new Generator(1));
        var y = Tensor.Rand([3], DType.Float64, new Generator(2));
        // PyTorch's test_vjp_err_check / test_jacobian_err_check / test_hessian_err_check / test_hvp_err_check (strict parts).
        Tensor[] both = [x, y];
        MiniTorch.Tests.Ops.OpTestHelpers.AssertThrows<AutogradException>(
            () => Autograd.Derivatives.Vjp(t => (t[0] * 2).Sum(), both, strict: true), "The output of the user-provided function is independent of input 1. This is not allowed in strict mode.");
        MiniTorch.Tests.Ops.OpTestHelpers.AssertThrows<AutogradException>(
            () => Autograd.Derivatives.Vjp(_ => Tensor.Ones([], DType.Float64), [x], strict: true), "does not require gradients");
        MiniTorch.Tests.Ops.OpTestHelpers.AssertThrows<AutogradException>(
            () => Autograd.Derivatives.Jacobian(t => t[0] * 2, both, strict: true), "independent of input 1");
        MiniTorch.Tests.Ops.OpTestHelpers.AssertThrows<AutogradException>(
            () => Autograd.Derivatives.Hessian(t => t[0].Pow(3).Sum(), both, strict: true), "independent of input 1");
        // A linear function: its gradient does not depend on the inputs.
        MiniTorch.Tests.Ops.OpTestHelpers.AssertThrows<AutogradException>(
            () => Autograd.Derivatives.Hessian(t => (t[0] * 2).Sum(), [x], strict: true), "The jacobian of the user-provided function is independent of input 0");
        MiniTorch.Tests.Ops.OpTestHelpers.AssertThrows<AutogradException>(
            () => Autograd.Derivatives.Hvp(t => (t[0] * 2).Sum(), x, Tensor.OnesLike(x), strict: true), "The gradient with respect to input 0 is independent of the inputs of the user-provided function");
        MiniTorch.Tests.Ops.OpTestHelpers.AssertThrows<AutogradException>(
            () => Autograd.Derivatives.Vhp(t => (t[0] * 2).Sum(), x, Tensor.OnesLike(x), strict: true), "independent of the inputs");
        MiniTorch.Tests.Ops.OpTestHelpers.AssertThrows<ArgumentException>(
            () => Autograd.Derivatives.Jacobian(t => t * 2, x, JacobianMode.Forward, strict: true), "strict", "Forward");

        // Without strict: zeros, as PyTorch.
        var (_, vjp) = Autograd.Derivatives.Vjp(t => (t[0] * 2).Sum(), both);
        MiniTorch.Tests.Ops.OpTestHelpers.AssertValues(vjp[1], [3], 0, 0, 0);
        // Strict and dependent: the same values as without.
        var (_, hvp) = Autograd.Derivatives.Hvp(t => t.Pow(3).Sum(), x, Tensor.OnesLike(x), strict: true);
        MiniTorch.Tests.Ops.OpTestHelpers.AssertClose(x * 6, hvp, 1e-12);
    }
}

/// <summary>Functions returning several tensors (PyTorch's tuple outputs in <c>vjp</c> and <c>jacobian</c>).</summary>
public class FunctionalSeveralOutputsTests
{
    [Fact]
    public void VjpAndJacobianOfATupleOutput()
    {
        // PyTorch: def f(x, y): return x * y, (x + y).sum(); test_vjp_output / test_jacobian_output (tuple forms).
        var x = Tensor.Rand([3], DType.Float64, new Generator(3));
        var y = Tensor.Rand([3], DType.Float64, new Generator(4));
        static Tensor[] F(Tensor[] t) => [t[0] * t[1], (t[0] + t[1]).Sum()];
        var v0 = Tensor.FromArray([1.0, 2, 3]);
        var (outputs, vjp) = Autograd.Derivatives.Vjp(F, [x, y], [v0, null]);
        MiniTorch.Tests.Ops.OpTestHelpers.AssertClose(x * y, outputs[0], 1e-12);
        MiniTorch.Tests.Ops.OpTestHelpers.AssertClose(v0 * y + 1, vjp[0], 1e-12);
        MiniTorch.Tests.Ops.OpTestHelpers.AssertClose(v0 * x + 1, vjp[1], 1e-12);

        foreach (var mode in new[] { JacobianMode.Reverse, JacobianMode.Forward })
        {
            var jac = Autograd.Derivatives.Jacobian(F, [x, y], mode);
            Assert.Equal(2, jac.GetLength(0));
            Assert.Equal(2, jac.GetLength(1));
            MiniTorch.Tests.Ops.OpTestHelpers.AssertClose(Tensor.Eye(3, dtype: DType.Float64) * y, jac[0, 0], 1e-12);
            MiniTorch.Tests.Ops.OpTestHelpers.AssertClose(Tensor.Eye(3, dtype: DType.Float64) * x, jac[0, 1], 1e-12);
            MiniTorch.Tests.Ops.OpTestHelpers.AssertClose(Tensor.Ones([3], DType.Float64), jac[1, 0], 1e-12);
            MiniTorch.Tests.Ops.OpTestHelpers.AssertClose(Tensor.Ones([3], DType.Float64), jac[1, 1], 1e-12);
        }
        MiniTorch.Tests.Ops.OpTestHelpers.AssertThrows<ArgumentException>(() => Autograd.Derivatives.Vjp(F, [x, y]), "output 0", "v[0]");
        MiniTorch.Tests.Ops.OpTestHelpers.AssertThrows<AutogradException>(
            () => Autograd.Derivatives.Vjp(t => [t[0] * 2, t[0].Sum()], [x, y], [Tensor.OnesLike(x), null], strict: true), "independent of input 1");
    }
}
