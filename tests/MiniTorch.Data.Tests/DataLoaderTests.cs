namespace MiniTorch.Data.Tests;

public class DataLoaderTests
{
    /// <summary>Sample i is ([i, 10 i], 100 i): the features tell which sample a batch row came from.</summary>
    private static TensorDataset Numbered(int n, DType dtype = DType.Float32)
    {
        var x = new double[n * 2];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = 100 * i;
        }
        return new TensorDataset(Tensor.FromArray(x, [n, 2]).To(dtype), Tensor.FromArray(y).To(dtype));
    }

    /// <summary>The sample ids of every batch of one epoch, checking each row's fields belong together.</summary>
    private static List<int[]> Epoch(IEnumerable<Tensor[]> loader)
    {
        var epoch = new List<int[]>();
        foreach (var batch in loader)
        {
            var x = batch[0].ToDoubleArray();
            var y = batch[1].ToDoubleArray();
            var ids = new int[y.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                ids[i] = (int)x[2 * i];
                Assert.Equal(10.0 * ids[i], x[2 * i + 1]);
                Assert.Equal(100.0 * ids[i], y[i]);
            }
            epoch.Add(ids);
        }
        return epoch;
    }

    private static int[] Flat(List<int[]> epoch)
    {
        var all = new List<int>();
        foreach (var ids in epoch)
        {
            all.AddRange(ids);
        }
        return [.. all];
    }

    [Fact]
    public void SequentialLoaderGivesBatchesInOrderWithAPartialLastBatch()
    {
        var loader = new DataLoader<Tensor[]>(Numbered(10), batchSize: 4);
        Assert.Equal(3, loader.Count);
        var epoch = Epoch(loader);
        Assert.Equal(3, epoch.Count);
        Assert.Equal([0, 1, 2, 3], epoch[0]);
        Assert.Equal([4, 5, 6, 7], epoch[1]);
        Assert.Equal([8, 9], epoch[2]);
    }

    [Fact]
    public void BatchesHaveTheBatchDimensionFirst()
    {
        var first = new DataLoader<Tensor[]>(Numbered(10), batchSize: 4).First();
        Assert.Equal([4, 2], first[0].Shape);
        Assert.Equal([4], first[1].Shape);
        Assert.Equal(DType.Float32, first[0].DType);
    }

    [Fact]
    public void DropLastLeavesOutThePartialBatch()
    {
        var loader = new DataLoader<Tensor[]>(Numbered(10), batchSize: 4, shuffle: true, dropLast: true, generator: new Generator(5));
        Assert.Equal(2, loader.Count);
        var epoch = Epoch(loader);
        Assert.Equal(2, epoch.Count);
        Assert.All(epoch, ids => Assert.Equal(4, ids.Length));
        Assert.Equal(8, Flat(epoch).Distinct().Count());
    }

    [Fact]
    public void DropLastKeepsAFullLastBatch()
    {
        var loader = new DataLoader<Tensor[]>(Numbered(8), batchSize: 4, dropLast: true);
        Assert.Equal(2, loader.Count);
        Assert.Equal([4, 5, 6, 7], Epoch(loader)[1]);
    }

    [Fact]
    public void ShuffledEpochVisitsEverySampleExactlyOnce()
    {
        var loader = new DataLoader<Tensor[]>(Numbered(103), batchSize: 10, shuffle: true, generator: new Generator(1));
        for (int e = 0; e < 3; e++)
        {
            var epoch = Epoch(loader);
            Assert.Equal(11, epoch.Count);
            Assert.Equal(3, epoch[^1].Length);
            var all = Flat(epoch);
            Array.Sort(all);
            Assert.Equal(Enumerable.Range(0, 103).ToArray(), all);
        }
    }

    [Fact]
    public void SameSeedRepeatsEveryEpochExactly()
    {
        var a = new DataLoader<Tensor[]>(Numbered(50), batchSize: 8, shuffle: true, generator: new Generator(42));
        var b = new DataLoader<Tensor[]>(Numbered(50), batchSize: 8, shuffle: true, generator: new Generator(42));
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(Flat(Epoch(a)), Flat(Epoch(b)));
        }
    }

    [Fact]
    public void EachEpochHasANewOrderAndNoneIsSequential()
    {
        var loader = new DataLoader<Tensor[]>(Numbered(50), batchSize: 8, shuffle: true, generator: new Generator(42));
        var first = Flat(Epoch(loader));
        var second = Flat(Epoch(loader));
        Assert.NotEqual(first, second);
        Assert.NotEqual(Enumerable.Range(0, 50).ToArray(), first);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentOrders()
    {
        var a = new DataLoader<Tensor[]>(Numbered(50), batchSize: 50, shuffle: true, generator: new Generator(1));
        var b = new DataLoader<Tensor[]>(Numbered(50), batchSize: 50, shuffle: true, generator: new Generator(2));
        Assert.NotEqual(Flat(Epoch(a)), Flat(Epoch(b)));
    }

    [Fact]
    public void ReseedingTheGeneratorReplaysTheEpochs()
    {
        var generator = new Generator(9);
        var loader = new DataLoader<Tensor[]>(Numbered(30), batchSize: 7, shuffle: true, generator: generator);
        var first = Flat(Epoch(loader));
        generator.ManualSeed(9);
        Assert.Equal(first, Flat(Epoch(loader)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void NonPositiveBatchSizeIsRejected(int batchSize)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader<Tensor[]>(Numbered(4), batchSize));
        Assert.Equal("batchSize", e.ParamName);
        Assert.Contains($"batchSize should be a positive integer value, but got batchSize={batchSize}", e.Message);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void DirectRowCopyEqualsStackingTheSamples(DType dtype)
    {
        var ds = Numbered(9, dtype);
        var fast = new DataLoader<Tensor[]>(ds, batchSize: 4, shuffle: true, generator: new Generator(3)).ToList();
        // A custom collate that stacks makes the loader read sample by sample: the reference values.
        var slow = new DataLoader<Tensor[]>(ds, batchSize: 4, shuffle: true, generator: new Generator(3), collate: Collate.StackFields).ToList();
        Assert.Equal(slow.Count, fast.Count);
        for (int b = 0; b < fast.Count; b++)
        {
            for (int k = 0; k < 2; k++)
            {
                Assert.Equal(dtype, fast[b][k].DType);
                Assert.Equal(slow[b][k].Shape, fast[b][k].Shape);
                Assert.Equal(slow[b][k].ToDoubleArray(), fast[b][k].ToDoubleArray());
            }
        }
    }

    [Fact]
    public void BatchesSeeInPlaceChangesToTheDatasetTensors()
    {
        var x = Tensor.Arange(6.0).View(3, 2);
        var loader = new DataLoader<Tensor[]>(new TensorDataset(x), batchSize: 3);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], loader.First()[0].ToFloatArray());
        x.FillInPlace(7);
        Assert.Equal([7f, 7f, 7f, 7f, 7f, 7f], loader.First()[0].ToFloatArray());
    }

    [Fact]
    public void BatchesAreCopiesNotViewsOfTheDataset()
    {
        var x = Tensor.Arange(4.0).View(2, 2);
        var batch = new DataLoader<Tensor[]>(new TensorDataset(x), batchSize: 2).First()[0];
        batch.FillInPlace(-1);
        Assert.Equal([0f, 1f, 2f, 3f], x.ToFloatArray());
    }

    [Fact]
    public void TensorsThatRequireGradAreStackedWithTheirGraph()
    {
        var w = Tensor.Arange(6.0, requiresGrad: true);
        var ds = new TensorDataset(w.View(3, 2));
        var batch = new DataLoader<Tensor[]>(ds, batchSize: 2).First()[0];
        Assert.NotNull(batch.GradFn);
        batch.Sum().Backward();
        Assert.Equal([1f, 1f, 1f, 1f, 0f, 0f], w.Grad!.ToFloatArray());
    }

    [Fact]
    public void CustomCollateGetsTheSamplesInBatchOrder()
    {
        var loader = new DataLoader<Tensor[], string>(Numbered(5), 2,
            samples =>
            {
                var ids = new string[samples.Count];
                for (int i = 0; i < ids.Length; i++)
                {
                    ids[i] = samples[i][0][0].Item().ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                return string.Join("+", ids);
            });
        Assert.Equal(["0+1", "2+3", "4"], loader.ToList());
    }

    [Fact]
    public void TensorSamplesAreStackedByDefault()
    {
        var squares = new Squares(5);
        var batches = new DataLoader<Tensor>(squares, batchSize: 3).ToList();
        Assert.Equal(2, batches.Count);
        Assert.Equal([3, 2], batches[0].Shape);
        Assert.Equal([0f, 0f, 1f, 1f, 2f, 4f], batches[0].ToFloatArray());
        Assert.Equal([3f, 9f, 4f, 16f], batches[1].ToFloatArray());
    }

    [Fact]
    public void OtherSampleTypesNeedACollateFunction()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoader<string>(new Words(), batchSize: 2));
        Assert.Contains("no default collate function for String samples", e.Message);
        var joined = new DataLoader<string>(new Words(), batchSize: 2, collate: s => string.Concat(s)).ToList();
        Assert.Equal(["ab", "c"], joined);
    }

    [Fact]
    public void EmptyDatasetInSequentialOrderHasNoBatches()
    {
        // PyTorch: DataLoader(empty) with the default SequentialSampler has len 0 and yields nothing.
        var loader = new DataLoader<Tensor>(new Squares(0), batchSize: 2);
        Assert.Equal(0, loader.Count);
        Assert.Empty(loader.ToList());
    }

    [Fact]
    public void ShufflingAnEmptyDatasetThrowsAsPyTorchsRandomSampler()
    {
        // PyTorch: DataLoader(empty, shuffle=True) raises ValueError when made, from RandomSampler.
        var e = Assert.Throws<ArgumentException>(() => new DataLoader<Tensor>(new Squares(0), batchSize: 2, shuffle: true, generator: new Generator(0)));
        Assert.Contains("num_samples should be a positive integer value, but got num_samples=0", e.Message);
        Assert.StartsWith("DataLoader:", e.Message);
        Assert.Contains("RandomSampler", e.Message);
        Assert.Equal("dataset", e.ParamName);
        // One sample is enough.
        Assert.Single(new DataLoader<Tensor>(new Squares(1), batchSize: 2, shuffle: true, generator: new Generator(0)).ToList());
    }

    [Fact]
    public void StackFieldsReportsSamplesWithDifferentFieldCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => Collate.StackFields([[Tensor.Zeros(2)], [Tensor.Zeros(2), Tensor.Zeros(1)]]));
        Assert.Contains("sample 0 has 1 tensors but sample 1 has 2", e.Message);
    }

    [Fact]
    public void StackFieldsNamesTheFieldWhoseShapesDiffer()
    {
        var e = Assert.Throws<ArgumentException>(() => Collate.StackFields([[Tensor.Zeros(2), Tensor.Zeros(3)], [Tensor.Zeros(2), Tensor.Zeros(4)]]));
        Assert.Contains("field 1", e.Message);
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[4]", e.Message);
    }

    /// <summary>Sample i is the tensor [i, i²].</summary>
    private sealed class Squares(int count) : Dataset<Tensor>
    {
        public override int Count => count;

        protected override Tensor GetItem(int index) => Tensor.FromArray(new float[] { index, index * index });
    }

    private sealed class Words : Dataset<string>
    {
        public override int Count => 3;

        protected override string GetItem(int index) => ((char)('a' + index)).ToString();
    }
}
