using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.PyTorchParity;

/// <summary>
/// <c>torch.autograd.backward</c> with several roots, <c>next_functions</c> and <c>detach_</c>, ported from PyTorch's
/// test_autograd.py (test_multi_backward, test_multi_backward_no_grad, test_backward_with_inputs,
/// test_backward_with_nonleaf_inputs, test_dependent_backward, test_duplicate_backward_root, test_backward_no_grad,
/// test_sharded_grad, test_next_functions, test_detach, test_detach_base).
/// </summary>
public class BackwardApiParityTests
{
    private static readonly Generator Rng = new(1818);

    private static Tensor Randn(params int[] shape) => Tensor.Randn(shape, DType.Float64, Rng);

    [Fact]
    public void TestMultiBackward()
    {
        var x = Randn(5, 5).SetRequiresGrad();
        var y = Randn(5, 5).SetRequiresGrad();
        var q = Randn(5, 5).SetRequiresGrad();
        var a = Randn(5, 5).SetRequiresGrad();
        var b = Randn(5, 5).SetRequiresGrad();
        var q2 = q * 2;
        var z = x + y + q2;
        var c = a * b + q2;
        var gradZ = Randn(5, 5);
        var gradC = Randn(5, 5);
        Autograd.Backward([z, c], [gradZ, gradC]);
        AssertClose(gradZ, x.Grad!);
        AssertClose(gradZ, y.Grad!);
        AssertClose(gradC * b, a.Grad!);
        AssertClose(gradC * a, b.Grad!);
        AssertClose((gradC + gradZ) * 2, q.Grad!);
    }

    [Fact]
    public void TestMultiBackwardNoGrad()
    {
        var x = Randn(5, 5).SetRequiresGrad();
        var y = Randn(5, 5);
        var z = x + y;
        var q = y * 2;
        AssertThrows<AutogradException>(() => Autograd.Backward([z, q], [Tensor.Ones([5, 5], DType.Float64), Tensor.Ones([5, 5], DType.Float64)]), "does not require grad");
    }

    [Fact]
    public void TestBackwardWithInputs()
    {
        var x = Randn(2, 2).SetRequiresGrad();
        var y = Randn(2, 2).SetRequiresGrad();
        Tensor Fn() => x.Pow(2) + y * x + y.Pow(2);
        var gradient = Tensor.Ones([2, 2], DType.Float64);
        var xExpected = 2 * x + y;
        var yExpected = x + 2 * y;
        void ResetGrad()
        {
            using (Autograd.NoGrad())
            {
                x.Grad!.ZeroInPlace();
                y.Grad!.ZeroInPlace();
            }
        }

        Autograd.Backward([Fn()], [gradient], inputs: [x, y]);
        AssertClose(xExpected, x.Grad!);
        AssertClose(yExpected, y.Grad!);

        ResetGrad();
        Autograd.Backward([Fn()], [gradient], inputs: [x]);
        AssertClose(xExpected, x.Grad!);
        AssertClose(Tensor.Zeros([2, 2], DType.Float64), y.Grad!);

        ResetGrad();
        Autograd.Backward(Fn(), gradient, inputs: [y]);
        AssertClose(yExpected, y.Grad!);
        AssertClose(Tensor.Zeros([2, 2], DType.Float64), x.Grad!);

        ResetGrad();
        AssertThrows<ArgumentException>(() => Autograd.Backward([Fn()], [gradient], inputs: []), "cannot be empty");
    }

    [Fact]
    public void TestBackwardWithNonLeafInputs()
    {
        var x = Randn(2, 2).SetRequiresGrad();
        var xNonLeaf = x * 1;
        var y = Randn(2, 2).SetRequiresGrad();
        var z = Randn(2, 2).SetRequiresGrad();
        var output = xNonLeaf.Pow(2) + y * xNonLeaf + y.Pow(2);
        Autograd.Backward(output, Tensor.Ones([2, 2], DType.Float64), createGraph: true, inputs: [x, y]);
        AssertClose(x + 2 * y, y.Grad!);
        AssertClose(2 * x + y, x.Grad!);
        // An input the output does not reach keeps a null Grad (backward has no allowUnused flag).
        Autograd.Backward(output, Tensor.Ones([2, 2], DType.Float64), createGraph: true, inputs: [z]);
        Assert.Null(z.Grad);
    }

    [Fact]
    public void TestDependentBackward()
    {
        var x = Randn(10).SetRequiresGrad();
        var y = x.Pow(2);
        var z = y.Pow(3);
        var goY = Randn(10);
        var goZ = Randn(10);
        Autograd.Backward([y, z], [goY, goZ]);
        AssertClose(2 * x * goY + 6 * x.Pow(5) * goZ, x.Grad!);
    }

    [Fact]
    public void TestDuplicateBackwardRoot()
    {
        var a = Randn(5, 5).SetRequiresGrad();
        var b = Randn(5, 5).SetRequiresGrad();
        var x = a * b;
        var gradOutput = Randn(5, 5);
        Autograd.Backward([x, x], [gradOutput, gradOutput]);
        AssertClose(b * gradOutput * 2, a.Grad!);
        AssertClose(a * gradOutput * 2, b.Grad!);
    }

    [Fact]
    public void TestBackwardNoGrad()
    {
        var a = Randn(5, 5).SetRequiresGrad();
        var b = a + 2;
        AssertThrows<AutogradException>(() => Autograd.Backward([b], [null]), "grad can be implicitly created only for scalar outputs");
    }

    [Fact]
    public void TestShardedGrad()
    {
        var leaves = new Tensor[10];
        var intermediates = new Tensor[10];
        Tensor? loss = null;
        for (int i = 0; i < 10; i++)
        {
            leaves[i] = Tensor.Zeros([5, 5], DType.Float64, requiresGrad: true);
            intermediates[i] = leaves[i] * i + leaves[i] * leaves[i];
            var term = intermediates[i] * i;
            loss = loss is null ? term : loss + term;
        }
        var total = loss!.Sum();
        // d loss / d intermediates in chunks of shard_size = 2, then the rest of the backward pass.
        var dIntermediates = new List<Tensor>();
        for (int i = 0; i < 10; i += 2)
        {
            foreach (var g in Autograd.Grad([total], [intermediates[i], intermediates[i + 1]], retainGraph: true))
            {
                dIntermediates.Add(g!);
            }
        }
        Autograd.Backward(intermediates, dIntermediates.ToArray());
        for (int i = 0; i < 10; i++)
        {
            AssertClose(i * i * (1 + leaves[i]), leaves[i].Grad!);
        }
    }

    [Fact]
    public void TestNextFunctions()
    {
        var x = Randn(5, 5).SetRequiresGrad();
        var y = Randn(5, 5).SetRequiresGrad();
        var a = x + y;
        Assert.NotNull(a.GradFn);
        var next = a.GradFn!.NextFunctions;
        Assert.Equal(2, next.Count);
        Assert.Equal("AccumulateGrad", next[0]!.Name);
        Assert.Equal("AccumulateGrad", next[1]!.Name);

        var b = a + 5;
        next = b.GradFn!.NextFunctions;
        Assert.Equal(2, next.Count);
        Assert.Same(a.GradFn, next[0]);
        Assert.Null(next[1]);

        // The scalar's entry is where the scalar is: 5 − a has it first.
        next = (5 - a).GradFn!.NextFunctions;
        Assert.Null(next[0]);
        Assert.Same(a.GradFn, next[1]);
        Assert.Equal(2, (a * 3).GradFn!.NextFunctions.Count);
    }

    [Fact]
    public void TestDetach()
    {
        var x = Randn(10, 10).SetRequiresGrad();
        var y = (x + 2).Detach();
        var z = y * 4 + 2;
        Assert.False(y.RequiresGrad);
        Assert.False(z.RequiresGrad);

        x = Randn(10, 10).SetRequiresGrad();
        y = (x * 2).Detach();
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
        (x + y).Sum().Backward();
        AssertClose(Tensor.Ones([10, 10], DType.Float64), x.Grad!);

        // In-place detach.
        x = Randn(10, 10).SetRequiresGrad();
        y = Randn(10, 10).SetRequiresGrad();
        var a = x * 2;
        (y + a).Sum().Backward(retainGraph: true);
        Assert.Same(a, a.DetachInPlace());
        Assert.False(a.RequiresGrad);
        Assert.True(a.IsLeaf);
        (y + a).Sum().Backward(); // does not reach x
        AssertClose(Tensor.Ones([10, 10], DType.Float64) * 2, x.Grad!);
        AssertClose(Tensor.Ones([10, 10], DType.Float64) * 2, y.Grad!);

        // In-place detach of a view raises.
        var view = x.Narrow(0, 1, 4);
        AssertThrows<AutogradException>(() => view.DetachInPlace(), "view");
    }

    [Fact]
    public void TestDetachBase()
    {
        // Detaching the base does not detach the view.
        var x = Randn(10, 10).SetRequiresGrad();
        var view = x.Narrow(0, 1, 4);
        x.DetachInPlace();
        Assert.False(x.RequiresGrad);
        Assert.True(view.RequiresGrad);
        Assert.NotNull(view.GradFn);
        Assert.True(view.IsView);
    }

    [Fact]
    public void DetachInPlaceDropsTheTangent()
    {
        using (ForwardAD.Enter())
        {
            var dual = ForwardAD.MakeDual(Randn(3), Randn(3)) * 2;
            Assert.NotNull(ForwardAD.Unpack(dual).Tangent);
            dual.DetachInPlace();
            Assert.Null(ForwardAD.Unpack(dual).Tangent);
        }
    }
}
