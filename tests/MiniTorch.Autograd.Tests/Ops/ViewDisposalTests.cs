namespace MiniTorch.Tests.Ops;

/// <summary>
/// Ops that write their result through temporary views (Cat's window per input, IndexSelect's row views of a strided
/// source, slicing's backward writing into a window of the gradient, printing) dispose those views, so the result's storage
/// goes back to the buffer pool when the result is disposed. A view left undisposed kept the storage counted for
/// good: the array was only ever freed by the GC. (The tests read values only through whole tensors: a view made
/// here and left undisposed would keep the storage counted just the same.)
/// </summary>
public class ViewDisposalTests
{
    private static void AssertReleasedOnDispose(Tensor result)
    {
        var storage = result.Storage;
        Assert.True(storage.IsPooled);
        result.Dispose();
        Assert.True(storage.Released);
    }

    [Fact]
    public void CatResultGoesBackToThePool()
    {
        var a = Tensor.Randn([3, 4]);
        var b = Tensor.Randn([2, 4]);
        var r = Tensor.Cat([a, b], 0);
        Assert.Equal(a.ToDoubleArray().Concat(b.ToDoubleArray()), r.ToDoubleArray());
        AssertReleasedOnDispose(r);
    }

    [Fact]
    public void IndexSelectOfAStridedSourceGoesBackToThePool()
    {
        var x = Tensor.Arange(12, dtype: DType.Float32).Reshape(3, 4).T; // [4, 3], not contiguous
        var r = x.IndexSelect(0, Tensor.FromArray(new long[] { 2, 0 }, [2]));
        Assert.Equal(new double[] { 2, 6, 10, 0, 4, 8 }, r.ToDoubleArray());
        AssertReleasedOnDispose(r);
    }

    [Fact]
    public void SliceBackwardScatterGoesBackToThePool()
    {
        var g = Tensor.Ones([2, 4]);
        var scattered = g.NarrowScatter([5, 4], 0, 1);
        Assert.Equal(Enumerable.Repeat(0.0, 4).Concat(Enumerable.Repeat(1.0, 8)).Concat(Enumerable.Repeat(0.0, 8)), scattered.ToDoubleArray());
        AssertReleasedOnDispose(scattered);
        var sum = Tensor.Zeros([5, 4]);
        var into = g.NarrowScatterInto(sum, [5, 4], 0, 3);
        Assert.Same(sum, into);
        Assert.Equal(Enumerable.Repeat(0.0, 12).Concat(Enumerable.Repeat(1.0, 8)), into.ToDoubleArray());
        AssertReleasedOnDispose(into);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Int32)]
    public void PrintingATensorLeavesItsStorageFreeToGoBack(DType dtype)
    {
        var t = Tensor.Full([3, 4], 7, dtype); // made directly: a reshaped tensor would be a second view
        Assert.Contains("7", t.ToString(), StringComparison.Ordinal);
        AssertReleasedOnDispose(t);
    }
}
