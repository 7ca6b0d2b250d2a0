namespace MiniTorch.Tests.Core;

public class TensorSubclassTests
{
    private sealed class Wrapped : Tensor
    {
        public Wrapped(Tensor data) : base(data)
        {
        }
    }

    [Fact]
    public void AliasingConstructorSharesElementsButNotHistory()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, [2, 2], requiresGrad: true);
        var y = x * 2;
        var w = new Wrapped(y.T);
        Assert.True(w.IsLeaf);
        Assert.False(w.RequiresGrad);
        Assert.Equal([2, 2], w.Shape);
        Assert.Equal(y.T.Strides, w.Strides);
        Assert.Equal(new float[] { 2, 6, 4, 8 }, w.ToFloatArray());
        using (Autograd.NoGrad())
        {
            y.MulInPlace(10);
        }
        Assert.Equal(new float[] { 20, 60, 40, 80 }, w.ToFloatArray()); // same storage, so the write is visible
        Assert.Equal(y.Version, w.Version);
        Assert.Throws<ArgumentNullException>(() => new Wrapped(null!));
    }
}
