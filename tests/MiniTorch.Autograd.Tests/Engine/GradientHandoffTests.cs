namespace MiniTorch.Tests.Engine;

/// <summary>
/// A leaf takes a freshly computed gradient instead of copying it (PyTorch's AccumulateGrad steals a gradient with
/// <c>use_count() == 1</c>) only when nothing else can hold it: these tests change one gradient in place and check
/// that no other tensor sees the change, and that the gradient of Linear's weight is taken without a copy.
/// </summary>
public class GradientHandoffTests
{
    private static Tensor Leaf(params double[] values) => Tensor.FromArray(values, requiresGrad: true);

    [Fact]
    public void TheWeightOfAProductWithItsTransposeGetsAContiguousGradientWithTheRightValues()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2, 3, 4, 5, 6 }, [2, 3]);
        var w = Tensor.FromArray(new[] { 0.5, -1, 2, 1, 0, -2 }, [2, 3], requiresGrad: true);
        var y = Tensor.Matmul(x, w.T);                          // w used through its transpose, as Linear does
        (y * Tensor.FromArray(new[] { 1.0, 2, 3, 4 }, [2, 2])).Sum().Backward();
        // dL/dw = gᵀ·x with g = [[1, 2], [3, 4]].
        Assert.Equal(new[] { 13.0, 17, 21, 18, 24, 30 }, w.Grad!.ToDoubleArray());
        Assert.True(w.Grad.IsContiguous);
    }

    [Fact]
    public void OneGradientObjectSentToTwoLeavesGivesEachItsOwnBuffer()
    {
        var a = Leaf(1, 2, 3);
        var b = Leaf(4, 5, 6);
        var c = Tensor.FromArray(new[] { 2.0, 3, 4 });
        // AddBackward hands the same fresh gradient (g·c from MulBackward) to both leaves.
        ((a + b) * c).Sum().Backward();
        a.Grad!.AddInPlace(100);
        Assert.Equal(new[] { 102.0, 103, 104 }, a.Grad.ToDoubleArray());
        Assert.Equal(new[] { 2.0, 3, 4 }, b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void AGradientSeenByATensorHookIsCopiedSoTheHookKeepsWhatItSaw()
    {
        var a = Leaf(1, 2, 3);
        var b = Leaf(4, 5, 6);
        var v = a * 2 + b;
        Tensor? seen = null;
        v.RegisterHook(g =>
        {
            seen = g;
            return null;
        });
        (v * Tensor.FromArray(new[] { 1.0, 2, 3 })).Sum().Backward();
        b.Grad!.AddInPlace(10);
        Assert.Equal(new[] { 1.0, 2, 3 }, seen!.ToDoubleArray());
        Assert.Equal(new[] { 11.0, 12, 13 }, b.Grad.ToDoubleArray());
    }

    [Fact]
    public void ARetainedGradientAndALeafGradientNeverShareABuffer()
    {
        var b = Leaf(4, 5, 6);
        var a = Leaf(1, 2, 3);
        var v = a * 3 + b;
        v.RetainGrad();
        (v * Tensor.FromArray(new[] { 1.0, 2, 3 })).Sum().Backward();
        b.Grad!.MulInPlace(0);
        Assert.Equal(new[] { 1.0, 2, 3 }, v.Grad!.ToDoubleArray());
        Assert.Equal(new[] { 0.0, 0, 0 }, b.Grad.ToDoubleArray());
    }

    [Fact]
    public void TheUsersSeedGradientIsNeverTakenAsALeafsGradient()
    {
        var a = Leaf(1, 2, 3);
        var seed = Tensor.FromArray(new[] { 1.0, 1, 1 });
        var y = a + 1; // AddBackward passes the seed through unchanged
        y.Backward(seed);
        a.Grad!.AddInPlace(5);
        Assert.Equal(new[] { 1.0, 1, 1 }, seed.ToDoubleArray());
    }

    [Fact]
    public void AGradientAHookReturnedIsCopiedSoTheHookKeepsWhatItMade()
    {
        var a = Leaf(1, 2, 3);
        var b = Leaf(4, 5, 6);
        var v = a * 2 + b;
        Tensor? made = null;
        v.RegisterHook(g => made = g * 10);
        (v * Tensor.FromArray(new[] { 1.0, 2, 3 })).Sum().Backward();
        b.Grad!.AddInPlace(1);
        Assert.Equal(new[] { 10.0, 20, 30 }, made!.ToDoubleArray());
        Assert.Equal(new[] { 11.0, 21, 31 }, b.Grad.ToDoubleArray());
    }

    [Fact]
    public void TheWeightGradientOfLinearIsTakenWithoutACopy()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2, 3, 4, 5, 6 }, [2, 3]);
        var w = Tensor.FromArray(new[] { 0.5, -1, 2, 1, 0, -2 }, [2, 3], requiresGrad: true);
        Tensor.Matmul(x, w.T).Sum().Backward();
        // Only a taken gradient's storage is marked as held by a leaf; a copy would be a new, unmarked storage.
        Assert.True(w.Grad!.Storage.Exposed);
        Assert.Equal(new[] { 5.0, 7, 9, 5, 7, 9 }, w.Grad.ToDoubleArray());
    }

    [Fact]
    public void ACustomFunctionsReturnedGradientIsCopied()
    {
        var a = Leaf(1, 2, 3);
        var fn = new KeepsItsGradient();
        fn.Apply(a).Sum().Backward();
        a.Grad!.AddInPlace(1);
        Assert.Equal(new[] { 7.0, 7, 7 }, fn.Returned!.ToDoubleArray());
    }

    [Fact]
    public void AFreshWholeContiguousGradientIsTakenAndAnythingElseIsNot()
    {
        var before = Tensor.FromArray(new[] { 1.0, 2 });
        GradientHandoff.EnterOutermostBackward();
        var fresh = Tensor.FromArray(new[] { 1.0, 2 });
        Assert.Same(fresh, GradientHandoff.TryTake(fresh));
        Assert.Null(GradientHandoff.TryTake(fresh));                       // taken once only
        Assert.Null(GradientHandoff.TryTake(before));                      // made before the pass
        var viewed = Tensor.FromArray(new[] { 1.0, 2, 3, 4 }, [2, 2]);
        Assert.Null(GradientHandoff.TryTake(viewed.T));                    // not contiguous
        Assert.Null(GradientHandoff.TryTake(viewed.Narrow(0, 1, 1)));      // part of a storage
        var exposed = Tensor.FromArray(new[] { 1.0, 2 });
        GradientHandoff.Expose(exposed);
        Assert.Null(GradientHandoff.TryTake(exposed));
    }

    private sealed class KeepsItsGradient : Function
    {
        public Tensor? Returned { get; private set; }

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 1;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            Returned = Tensor.FromArray(new[] { 7.0, 7, 7 });
            return [Returned];
        }
    }
}
