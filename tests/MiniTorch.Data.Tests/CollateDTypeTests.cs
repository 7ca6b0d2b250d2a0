namespace MiniTorch.Data.Tests;

/// <summary>
/// Batches keep each field's dtype, and scalar samples get <c>default_collate</c>'s dtypes (torch 1.13:
/// <c>default_collate([1, 2])</c> is int64, <c>default_collate([True, False])</c> bool, <c>default_collate([0.5, 1.5])</c> float64).
/// </summary>
public class CollateDTypeTests
{
    [Fact]
    public void ATensorDatasetWithInt64LabelsBatchesThemAsInt64()
    {
        var x = Tensor.FromArray(new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, [5, 2]);
        var y = Tensor.FromArray([3L, 1L, 4L, 1L, 5L]);
        var mask = Tensor.FromArray(new[] { true, false, true, true, false });
        var loader = new DataLoader<Tensor[]>(new TensorDataset(x, y, mask), batchSize: 2, shuffle: true, generator: new Generator(0));
        var labels = new List<long>();
        var flags = new List<bool>();
        var firsts = new List<float>();
        foreach (var (xb, yb, mb) in loader)
        {
            Assert.Equal(DType.Float32, xb.DType);
            Assert.Equal(DType.Int64, yb.DType);
            Assert.Equal(DType.Bool, mb.DType);
            Assert.Equal(xb.Shape[0], yb.Shape[0]);
            firsts.AddRange(xb.ToArray<float>().Where((_, i) => i % 2 == 0));
            labels.AddRange(yb.ToArray<long>());
            flags.AddRange(mb.ToArray<bool>());
        }
        // Each sample keeps its row across the three tensors, whatever the shuffled order.
        long[] byRow = [3, 1, 4, 1, 5];
        bool[] maskByRow = [true, false, true, true, false];
        for (int i = 0; i < labels.Count; i++)
        {
            int row = (int)firsts[i] / 2;
            Assert.Equal(byRow[row], labels[i]);
            Assert.Equal(maskByRow[row], flags[i]);
        }
        Assert.Equal([0f, 2, 4, 6, 8], firsts.Order());
    }

    [Fact]
    public void TheOneStepBatchEqualsStackingTheSamples()
    {
        var y = Tensor.FromArray([10L, 20L, 30L, 40L]).View(2, 2).To(DType.Int32);
        var ds = new TensorDataset(Tensor.Zeros(2, 3), y);
        Assert.True(ds.TryGetBatch([1, 0, 1], out var batch));
        var stacked = Collate.StackFields([ds[1], ds[0], ds[1]]);
        Assert.Equal(DType.Int32, batch[1].DType);
        Assert.Equal(DType.Int32, stacked[1].DType);
        Assert.Equal(new[] { 30, 40, 10, 20, 30, 40 }, batch[1].ToArray<int>());
        Assert.Equal(batch[1].ToArray<int>(), stacked[1].ToArray<int>());
        Assert.Equal([3, 2], batch[1].Shape);
    }

    [Fact]
    public void ZeroDimIntegerAndBoolSamplesStackInTheirDType()
    {
        var labels = Collate.Stack([Tensor.FromArray([2L], []), Tensor.FromArray([7L], [])]);
        Assert.Equal(DType.Int64, labels.DType);
        Assert.Equal([2], labels.Shape);
        Assert.Equal(new long[] { 2, 7 }, labels.ToArray<long>());
        var masks = Collate.Stack([Tensor.FromArray(new[] { true, false }), Tensor.FromArray(new[] { false, false })]);
        Assert.Equal(DType.Bool, masks.DType);
        Assert.Equal(new[] { true, false, false, false }, masks.ToArray<bool>());
    }

    [Fact]
    public void ScalarSamplesCollateWithDefaultCollatesDTypes()
    {
        var longs = Collate.Scalars(new long[] { 1, -2, long.MaxValue });
        Assert.Equal(DType.Int64, longs.DType);
        Assert.Equal(new[] { 1, -2, long.MaxValue }, longs.ToArray<long>());
        var ints = Collate.Scalars(new[] { 4, int.MinValue });
        Assert.Equal(DType.Int64, ints.DType); // a Python int is collated to int64
        Assert.Equal(new long[] { 4, int.MinValue }, ints.ToArray<long>());
        var bools = Collate.Scalars(new[] { true, false });
        Assert.Equal(DType.Bool, bools.DType);
        Assert.Equal(new[] { true, false }, bools.ToArray<bool>());
        var doubles = Collate.Scalars(new[] { 0.1, 1.5 });
        Assert.Equal(DType.Float64, doubles.DType); // a Python float is a double: float64, not the default dtype
        Assert.Equal(new[] { 0.1, 1.5 }, doubles.ToArray<double>());
        var floats = Collate.Scalars(new[] { 0.1f });
        Assert.Equal(DType.Float32, floats.DType);
        Assert.Equal([1], floats.Shape);
        var e = Assert.Throws<ArgumentException>(() => Collate.Scalars(Array.Empty<long>()));
        Assert.Contains("Collate.Scalars: a batch needs at least one sample", e.Message);
    }

    [Fact]
    public void ALoaderOverIntegerLabelsUsesScalars()
    {
        var loader = new DataLoader<long, Tensor>(new ListDataset<long>([5, 6, 7]), 2, Collate.Scalars);
        var batches = loader.ToList();
        Assert.Equal(2, batches.Count);
        Assert.Equal(DType.Int64, batches[0].DType);
        Assert.Equal(new long[] { 5, 6 }, batches[0].ToArray<long>());
        Assert.Equal(new long[] { 7 }, batches[1].ToArray<long>());
    }

    private sealed class ListDataset<T>(T[] items) : Dataset<T>
    {
        public override int Count => items.Length;

        protected override T GetItem(int index) => items[index];
    }
}
