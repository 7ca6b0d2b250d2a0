namespace MiniTorch.Tests.Engine;

public class InPlaceTests
{
    [Fact]
    public void InPlaceOpsBumpTheSharedVersionCounter()
    {
        var x = Tensor.Zeros(2, 2);
        var view = x[0];
        int before = x.Version;
        x.AddInPlace(1.0);
        view.MulInPlace(3.0);
        x.FillInPlace(2).ZeroInPlace();
        Assert.Equal(before + 4, x.Version);
        Assert.Equal(x.Version, view.Version);
    }

    [Fact]
    public void InPlaceWriteThroughViewIsSeenByBase()
    {
        var x = Tensor.Zeros(2, 3);
        x[1, 1..].FillInPlace(5);
        Assert.Equal(new float[] { 0, 0, 0, 0, 5, 5 }, x.ToFloatArray());
        x.T[0].CopyFromInPlace(Tensor.FromArray(new float[] { 7, 8 }));
        Assert.Equal(new float[] { 7, 0, 0, 8, 5, 5 }, x.ToFloatArray());
    }

    [Fact]
    public void InPlaceArithmeticBroadcastsOtherOperand()
    {
        var x = Tensor.Ones(2, 3);
        x.AddInPlace(Tensor.FromArray(new float[] { 1, 2, 3 }), alpha: 2);
        Assert.Equal(new float[] { 3, 5, 7, 3, 5, 7 }, x.ToFloatArray());
        x.DivInPlace(Tensor.FromArray(new float[] { 1, 5 }, [2, 1]));
        Assert.Equal(new float[] { 3, 5, 7, 0.6f, 1, 1.4f }, x.ToFloatArray());
    }

    [Fact]
    public void InPlaceThatWouldGrowTheTensorIsRejected()
    {
        var x = Tensor.Ones(3);
        var e = Assert.Throws<ArgumentException>(() => x.AddInPlace(Tensor.Ones(2, 3)));
        Assert.Contains("AddInPlace", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }

    [Fact]
    public void InPlaceOnLeafRequiringGradThrowsLikePyTorch()
    {
        var w = Tensor.Ones([2], requiresGrad: true);
        var e = Assert.Throws<AutogradException>(() => w.AddInPlace(1.0));
        Assert.Contains("a leaf Variable that requires grad is being used in an in-place operation", e.Message);
        using (Autograd.NoGrad())
        {
            w.SubInPlace(Tensor.FromArray(new float[] { 0.5f, 0.5f }));
        }
        Assert.Equal(new float[] { 0.5f, 0.5f }, w.ToFloatArray());
    }

    [Fact]
    public void ModifyingASavedTensorMakesBackwardThrowWithBothVersions()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var h = x * 2;
        var y = h.Exp(); // saves its output y
        y.MulInPlace(2.0); // history is rebased, the saved output is now stale
        var e = Assert.Throws<AutogradException>(() => y.Sum().Backward());
        Assert.Contains("modified by an inplace operation", e.Message);
        Assert.Contains("ExpBackward", e.Message);
        Assert.Contains("is at version 1; expected version 0", e.Message);
    }

    [Fact]
    public void InPlaceOnNonLeafRecordsHistory()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var h = x * 3;      // saves nothing that the in-place op changes
        h.AddInPlace(x);    // h = 3x + x
        h.MulInPlace(2.0);  // h = 8x
        h.Sum().Backward();
        Assert.Equal(new[] { 8.0, 8.0 }, x.Grad!.ToDoubleArray());
        Assert.Equal(new[] { 8.0, 16.0 }, h.ToDoubleArray());
    }

    [Fact]
    public void InPlaceOnViewOfTensorThatRequiresGradIsRejected()
    {
        var x = Tensor.Ones([2, 2], requiresGrad: true);
        var h = x * 1;
        var e = Assert.Throws<AutogradException>(() => h[0].AddInPlace(1.0));
        Assert.Contains("view", e.Message);
    }

    [Fact]
    public void InPlaceResultTypeThatCannotBeCastBackIsRejected_AsPyTorch()
    {
        var n = Tensor.FromArray([1L, 2L]);
        var e = Assert.Throws<InvalidOperationException>(() => n.AddInPlace(Tensor.Ones([2], DType.Float64)));
        Assert.Contains("result type Double can't be cast to the desired output type Long", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => n.DivInPlace(2));
        Assert.Contains("result type Float can't be cast to the desired output type Long", e.Message);
        Assert.Equal(new[] { 1L, 2 }, n.ToLongArray());
    }

    [Fact]
    public void CopyFromItselfThroughOverlappingViewUsesOldValues()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, [2, 2]);
        x.CopyFromInPlace(x.T);
        Assert.Equal(new float[] { 1, 3, 2, 4 }, x.ToFloatArray());
    }
}
