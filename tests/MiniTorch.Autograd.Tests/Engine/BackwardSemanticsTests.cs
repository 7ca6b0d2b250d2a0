namespace MiniTorch.Tests.Engine;

/// <summary>Backward's contract, matching PyTorch's autograd mechanics.</summary>
public class BackwardSemanticsTests
{
    [Fact]
    public void GradIsNullUntilFirstBackwardThenAccumulates()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        Assert.Null(x.Grad);
        (x * 3).Sum().Backward();
        Assert.Equal(new[] { 3.0, 3.0 }, x.Grad!.ToDoubleArray());
        (x * 3).Sum().Backward();
        Assert.Equal(new[] { 6.0, 6.0 }, x.Grad!.ToDoubleArray());
        x.Grad = null;
        (x * 3).Sum().Backward();
        Assert.Equal(new[] { 3.0, 3.0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ResultRequiresGradIffAnInputDoes()
    {
        var a = Tensor.Ones([2], requiresGrad: true);
        var b = Tensor.Ones([2]);
        Assert.True((a + b).RequiresGrad);
        Assert.False((b + b).RequiresGrad);
        Assert.False((a + b).IsLeaf);
        Assert.True((b + b).IsLeaf);
    }

    [Fact]
    public void RequiresGradCanOnlyBeClearedOnLeaves()
    {
        var a = Tensor.Ones([2], requiresGrad: true);
        var y = a * 2;
        var e = Assert.Throws<AutogradException>(() => y.RequiresGrad = false);
        Assert.Contains("only change requires_grad flags of leaf variables", e.Message);
        a.RequiresGrad = false;
        Assert.False(a.RequiresGrad);
    }

    [Fact]
    public void GradFnHasPyTorchNameAndNextFunctions()
    {
        var a = Tensor.Ones([3], requiresGrad: true);
        var b = Tensor.Ones([3]);
        var y = Tensor.Dot(a * b, a);
        Assert.Equal("DotBackward", y.GradFn!.Name);
        var next = y.GradFn.NextFunctions;
        Assert.Equal(2, next.Count);
        Assert.Equal("MulBackward", next[0]!.Name);
        Assert.Equal("AccumulateGrad", next[1]!.Name);
        Assert.Equal("AccumulateGrad", next[0]!.NextFunctions[0]!.Name);
        Assert.Null(next[0]!.NextFunctions[1]); // b does not require grad
    }

    [Fact]
    public void NonScalarRootWithoutGradientThrowsPyTorchMessage()
    {
        var x = Tensor.Ones([3], requiresGrad: true);
        var e = Assert.Throws<AutogradException>(() => (x * 2).Backward());
        Assert.Contains("grad can be implicitly created only for scalar outputs", e.Message);
        Assert.Contains("[3]", e.Message);
        Assert.Contains("Backward(", e.Message);
    }

    [Fact]
    public void BackwardOnTensorThatDoesNotRequireGradThrows()
    {
        var e = Assert.Throws<AutogradException>(() => Tensor.Ones([1]).Backward());
        Assert.Contains("does not require grad and does not have a grad_fn", e.Message);
    }

    [Fact]
    public void GradientOfWrongShapeIsRejected()
    {
        var x = Tensor.Ones([3], requiresGrad: true);
        var e = Assert.Throws<ArgumentException>(() => (x * 2).Backward(Tensor.Ones([2])));
        Assert.Contains("Mismatch in shape", e.Message);
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[3]", e.Message);
    }

    [Fact]
    public void DiamondGraphSumsBothPaths()
    {
        var x = Tensor.Scalar(3.0, DType.Float64, requiresGrad: true);
        var a = x * x;     // 2x
        var b = x.Exp();   // eˣ
        (a + b + a * b).Backward(); // d/dx = 2x + eˣ + 2x·eˣ + x²·eˣ
        double expected = 6 + Math.Exp(3) + 6 * Math.Exp(3) + 9 * Math.Exp(3);
        Assert.Equal(expected, x.Grad!.Item(), 9);
    }

    [Fact]
    public void SameTensorOnBothSidesAccumulatesBoth()
    {
        var x = Tensor.FromArray(new[] { 2.0, -1.0 }, requiresGrad: true);
        (x + x).Sum().Backward();
        Assert.Equal(new[] { 2.0, 2.0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void GradientsOfTwoLeavesDoNotShareStorage()
    {
        var a = Tensor.Ones([2], requiresGrad: true);
        var b = Tensor.Ones([2], requiresGrad: true);
        (a + b).Sum().Backward();
        a.Grad!.AddInPlace(Tensor.Ones([2]));
        Assert.Equal(new float[] { 1, 1 }, b.Grad!.ToFloatArray());
    }

    [Fact]
    public void MillionOpChainDoesNotOverflowTheStack()
    {
        var x = Tensor.Ones([1], requiresGrad: true);
        var y = x;
        for (int i = 0; i < 1_000_000; i++)
        {
            y = y + 0.0;
        }
        y.Sum().Backward();
        Assert.Equal(1f, x.Grad!.ToFloatArray()[0]);
    }

    [Fact]
    public void DetachSharesStorageWithoutHistory()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var y = x * 2;
        var d = y.Detach();
        Assert.False(d.RequiresGrad);
        Assert.Null(d.GradFn);
        using (Autograd.NoGrad())
        {
            d.FillInPlace(7);
        }
        Assert.Equal(new[] { 7.0, 7.0 }, y.ToDoubleArray());
        Assert.Equal(y.Version, d.Version);
    }

    [Fact]
    public void UnusedLeafKeepsNullGrad()
    {
        var a = Tensor.Ones([2], requiresGrad: true);
        var b = Tensor.Ones([2], requiresGrad: true);
        (a * 2).Sum().Backward();
        Assert.Null(b.Grad);
    }
}
