namespace MiniTorch.Tests.Core;

/// <summary>ToString follows PyTorch's printing rules (torch/_tensor_str.py).</summary>
public class TensorFormatTests
{
    [Fact]
    public void IntegerValuedFloatsPrintWithTrailingDotPadded() =>
        Assert.Equal("tensor([ 0.,  4.,  8., 12.])", Tensor.FromArray(new float[] { 0, 4, 8, 12 }).ToString());

    [Fact]
    public void ScalarWithGradFn()
    {
        var x = Tensor.Arange(4.0, requiresGrad: true);
        Assert.Equal("tensor(14., grad_fn=<DotBackward>)", Tensor.Dot(x, x).ToString());
        Assert.Equal("tensor([0., 1., 2., 3.], requires_grad=True)", x.ToString());
    }

    [Fact]
    public void FractionsUseFourDecimals() =>
        Assert.Equal("tensor([ 0.5000, -1.2500])", Tensor.FromArray(new float[] { 0.5f, -1.25f }).ToString());

    [Fact]
    public void WideRangeUsesScientificNotation() =>
        Assert.Equal("tensor([1.0000e-05, 1.0000e+00])", Tensor.FromArray(new[] { 1e-5, 1.0 }).ToString().Replace(", dtype=torch.float64", ""));

    [Fact]
    public void MatrixRowsAlignUnderTheOpeningBracket() =>
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]], dtype=torch.float64)", Tensor.FromArray(new[] { 1.0, 2, 3, 4 }, [2, 2]).ToString());

    [Fact]
    public void LargeTensorsAreSummarized()
    {
        // max/min of the shown values exceeds 1000, so PyTorch switches to scientific notation too.
        var s = Tensor.Arange(2000.0).ToString();
        Assert.Equal("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])", s);
        Assert.Equal("tensor([1000., 1001., 1002.,  ..., 2497., 2498., 2499.])", Tensor.Arange(1000.0, 2500, 1).ToString());
    }

    [Fact]
    public void LongVectorsWrapAtEightyColumns() =>
        Assert.Equal("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15.])", Tensor.Arange(16.0).ToString());

    [Fact]
    public void NonFiniteValues() =>
        Assert.Equal("tensor([nan, inf, -inf, 1.])", Tensor.FromArray(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1f }).ToString());
}
