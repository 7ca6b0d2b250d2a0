namespace MiniTorch.Tests.Core;

public class InPlaceMathTests
{
    [Fact]
    public void SqrtInPlaceMatchesMathSqrtOnContiguousAndStridedData()
    {
        var x = Tensor.FromArray(new[] { 4.0, 2.0, 0.0, 9.0, 1e-8, 3.0 }, [2, 3]);
        int before = x.Version;
        Assert.Same(x, x.SqrtInPlace());
        Assert.Equal(before + 1, x.Version);
        Assert.Equal(new[] { 2.0, Math.Sqrt(2), 0.0, 3.0, Math.Sqrt(1e-8), Math.Sqrt(3) }, x.ToDoubleArray());
        var y = Tensor.FromArray(new float[] { 16, 4, 25, 36 }, [2, 2]);
        y.T.SqrtInPlace();
        Assert.Equal(new float[] { 4, 2, 5, 6 }, y.ToFloatArray());
        Assert.True(double.IsNaN(Tensor.FromArray(new[] { -1.0 }).SqrtInPlace().Item()));
    }

    [Fact]
    public void ClampInPlaceAppliesEachBoundAndKeepsNaN()
    {
        var data = new[] { -3.0, -0.5, 0.0, 0.5, 3.0, double.NaN };
        Assert.Equal(new[] { -1.0, -0.5, 0.0, 0.5, 1.0, double.NaN }, Tensor.FromArray(data).ClampInPlace(-1, 1).ToDoubleArray());
        Assert.Equal(new[] { 0.0, 0.0, 0.0, 0.5, 3.0, double.NaN }, Tensor.FromArray(data).ClampInPlace(min: 0).ToDoubleArray());
        Assert.Equal(new[] { -3.0, -0.5, 0.0, 0.25, 0.25, double.NaN }, Tensor.FromArray(data).ClampInPlace(max: 0.25).ToDoubleArray());
        var m = Tensor.FromArray(new float[] { -2, 5, 7, -9 }, [2, 2]);
        int before = m.Version;
        m.T.ClampInPlace(-3, 3);
        Assert.Equal(before + 1, m.Version);
        Assert.Equal(new float[] { -2, 3, 3, -3 }, m.ToFloatArray());
    }

    [Fact]
    public void ClampInPlaceRejectsMissingOrNaNBounds()
    {
        var x = Tensor.Ones(2);
        var e1 = Assert.Throws<ArgumentException>(() => x.ClampInPlace());
        Assert.Equal("ClampInPlace: at least one of 'min' or 'max' must not be null.", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => x.ClampInPlace(min: double.NaN));
        Assert.Contains("ClampInPlace: bounds must not be NaN (min=NaN", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => x.ClampInPlace(0, double.NaN));
        Assert.Contains("max=NaN", e3.Message);
        Assert.Equal(new float[] { 1, 1 }, x.ToFloatArray());
    }

    [Fact]
    public void MaximumInPlaceTakesLargerValueBroadcastsAndPropagatesNaN()
    {
        var x = Tensor.FromArray(new[] { 1.0, 5.0, -2.0, double.NaN, 0.0, 4.0 }, [2, 3]);
        int before = x.Version;
        x.MaximumInPlace(Tensor.FromArray(new[] { 3.0, 3.0, double.NaN }));
        Assert.Equal(before + 1, x.Version);
        Assert.Equal(new[] { 3.0, 5.0, double.NaN, double.NaN, 3.0, double.NaN }, x.ToDoubleArray());
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(3).MaximumInPlace(Tensor.Ones(2, 3)));
        Assert.Contains("MaximumInPlace: output with shape [3] doesn't match the broadcast shape [2, 3]", e.Message);
    }

    [Fact]
    public void LeafRequiringGradIsRejectedUnderGradModeAndUpdatedUnderNoGrad()
    {
        var w = Tensor.FromArray(new[] { 4.0, -9.0 }, requiresGrad: true);
        Assert.Contains("SqrtInPlace: a leaf Variable that requires grad", Assert.Throws<AutogradException>(() => w.SqrtInPlace()).Message);
        Assert.Contains("ClampInPlace: a leaf Variable that requires grad", Assert.Throws<AutogradException>(() => w.ClampInPlace(0)).Message);
        Assert.Contains("MaximumInPlace: a leaf Variable that requires grad", Assert.Throws<AutogradException>(() => w.MaximumInPlace(Tensor.Zeros([2], DType.Float64))).Message);
        using (Autograd.NoGrad())
        {
            w.MaximumInPlace(Tensor.FromArray(new[] { 0.0, 16.0 })).SqrtInPlace().ClampInPlace(max: 3);
        }
        Assert.Equal(new[] { 2.0, 3.0 }, w.ToDoubleArray());
        Assert.True(w.IsLeaf);
    }

    [Fact]
    public void RecordedOnNonLeafWithCorrectGradients()
    {
        var x = Tensor.FromArray(new[] { 0.5, 2.0, 3.0 }, requiresGrad: true);
        var y = Tensor.FromArray(new[] { 1.0, 1.5, 4.0 }, requiresGrad: true);
        Assert.True(GradCheck.Check(t => (t[0] * 1).SqrtInPlace(), [x]));
        Assert.True(GradCheck.Check(t => (t[0] * 1).ClampInPlace(1, 2.5).Sin(), [x]));
        Assert.True(GradCheck.Check(t => (t[0] * 1).MaximumInPlace(t[1]).Sin(), [x, y]));
        var h = x * 1;
        h.ClampInPlace(max: 1);
        Assert.Equal("ClampBackward", h.GradFn!.Name);
        h.Sum().Backward();
        Assert.Equal(new[] { 1.0, 0.0, 0.0 }, x.Grad!.ToDoubleArray());
    }
}
