using System.Collections;

namespace MiniTorch.Data;

/// <summary>
/// Iterates over a dataset in batches (PyTorch's <c>DataLoader</c>): each enumeration is one epoch that visits
/// every sample once, in index order or, with <c>shuffle</c>, in a new random order drawn from the generator.
/// A collate function turns each batch's samples into the batch.
/// </summary>
/// <typeparam name="TSample">The dataset's sample type.</typeparam>
/// <typeparam name="TBatch">The type the collate function makes of a batch of samples.</typeparam>
/// <remarks>
/// Reproducible shuffling: with <c>new Generator(seed)</c> the sequence of epochs is the same on every run,
/// and each epoch draws its order from the generator, so consecutive epochs differ. Batches are built on the
/// enumerating thread; there are no worker processes.
/// </remarks>
public class DataLoader<TSample, TBatch> : IEnumerable<TBatch>
{
    private readonly Func<IReadOnlyList<TSample>, TBatch> _collate;

    /// <summary>Creates a loader that batches <paramref name="dataset"/> with <paramref name="collate"/>.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch (the last batch may be smaller unless <paramref name="dropLast"/>).</param>
    /// <param name="collate">Makes a batch of the batch's samples, given in batch order.</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new random order.</param>
    /// <param name="dropLast">Whether to leave out the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="generator">The source of the shuffling order; <see cref="Generator.Default"/> when omitted.</param>
    /// <param name="sampler">The order of the samples in each epoch (PyTorch's <c>sampler=</c>), such as a
    /// <c>DistributedSampler</c>'s shard; excludes <paramref name="shuffle"/>, as in PyTorch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException">Both <paramref name="sampler"/> and <paramref name="shuffle"/> are given, or
    /// <paramref name="shuffle"/> is true and the dataset is empty (PyTorch's "num_samples should be a positive integer value").</exception>
    public DataLoader(Dataset<TSample> dataset, int batchSize, Func<IReadOnlyList<TSample>, TBatch> collate,
        bool shuffle = false, bool dropLast = false, Generator? generator = null, Sampler? sampler = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(collate);
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"DataLoader: batchSize should be a positive integer value, but got batchSize={batchSize}.");
        }
        if (sampler is not null && shuffle)
        {
            throw new ArgumentException("DataLoader: sampler option is mutually exclusive with shuffle (shuffle the sampler instead, e.g. DistributedSampler(shuffle: true)).", nameof(shuffle));
        }
        // PyTorch's shuffle builds a RandomSampler, which refuses an empty dataset when the loader is made rather than
        // yielding no batches; sequential order over an empty dataset stays allowed (no batches), as in PyTorch.
        if (shuffle && dataset.Count == 0)
        {
            throw new ArgumentException(
                "DataLoader: num_samples should be a positive integer value, but got num_samples=0 (shuffle: true draws a random order of the dataset's samples, PyTorch's RandomSampler, and the dataset is empty).",
                nameof(dataset));
        }
        Sampler = sampler;
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Generator = generator ?? Generator.Default;
        _collate = collate;
    }

    /// <summary>The dataset the batches are drawn from.</summary>
    public Dataset<TSample> Dataset { get; }

    /// <summary>The number of samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits the samples in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a last batch smaller than <see cref="BatchSize"/> is left out.</summary>
    public bool DropLast { get; }

    /// <summary>The generator each shuffled epoch draws its order from.</summary>
    public Generator Generator { get; }

    /// <summary>The sampler that orders each epoch, or null for sequential or shuffled order over the whole dataset.</summary>
    public Sampler? Sampler { get; }

    /// <summary>The number of batches in one epoch (PyTorch's <c>len(loader)</c>).</summary>
    public int Count
    {
        get
        {
            int n = Sampler?.Count ?? Dataset.Count;
            return DropLast ? n / BatchSize : (int)(((long)n + BatchSize - 1) / BatchSize);
        }
    }

    /// <summary>Runs one epoch: draws the order (shuffled or sequential) and yields its batches.</summary>
    public IEnumerator<TBatch> GetEnumerator()
    {
        // Drawn when the epoch starts (first MoveNext), so each epoch consumes the generator (or sampler) once, in order.
        int[] order = Sampler is not null ? [.. Sampler] : Shuffle ? Permutation.Random(Dataset.Count, Generator) : Sequential(Dataset.Count);
        int n = order.Length;
        int batches = DropLast ? n / BatchSize : (int)(((long)n + BatchSize - 1) / BatchSize);
        for (int b = 0; b < batches; b++)
        {
            int start = b * BatchSize;
            int length = Math.Min(BatchSize, n - start);
            yield return MakeBatch(new ReadOnlySpan<int>(order, start, length));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Makes the batch of the samples at <paramref name="indices"/>: reads each sample, then collates them.</summary>
    protected virtual TBatch MakeBatch(ReadOnlySpan<int> indices)
    {
        var samples = new TSample[indices.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = Dataset.Get(indices[i]);
        }
        return _collate(samples);
    }

    private static int[] Sequential(int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        return order;
    }
}

/// <summary>
/// A <see cref="DataLoader{TSample, TBatch}"/> whose batches have the sample type, which is the case for tensor
/// data: a <see cref="Tensor"/> sample gives a stacked <see cref="Tensor"/> batch, a <c>Tensor[]</c> sample
/// (such as a <see cref="TensorDataset"/>'s) a <c>Tensor[]</c> batch. Without a collate function it uses
/// <see cref="Collate.Stack"/> or <see cref="Collate.StackFields"/>, and lets the dataset build whole batches
/// when it can (<see cref="Dataset{T}.TryGetBatch"/>).
/// </summary>
/// <typeparam name="T">The sample and batch type.</typeparam>
/// <example>
/// <code>
/// var loader = new DataLoader&lt;Tensor[]&gt;(new TensorDataset(x, y), batchSize: 32, shuffle: true, generator: new Generator(0));
/// foreach (var (xb, yb) in loader) { … }
/// </code>
/// </example>
public class DataLoader<T> : DataLoader<T, T>
{
    private readonly bool _defaultCollate;

    /// <summary>Creates a loader; see <see cref="DataLoader{TSample, TBatch}"/> for the parameters.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new random order.</param>
    /// <param name="dropLast">Whether to leave out a last batch smaller than <paramref name="batchSize"/>.</param>
    /// <param name="generator">The source of the shuffling order; <see cref="Generator.Default"/> when omitted.</param>
    /// <param name="collate">Makes a batch of samples; when omitted, the default for <see cref="Tensor"/> or <c>Tensor[]</c> samples.</param>
    /// <param name="sampler">The order of the samples in each epoch (PyTorch's <c>sampler=</c>); excludes <paramref name="shuffle"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="collate"/> is omitted and <typeparamref name="T"/> is neither <see cref="Tensor"/> nor <c>Tensor[]</c>, both <paramref name="sampler"/> and <paramref name="shuffle"/> are given, or <paramref name="shuffle"/> is true and the dataset is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public DataLoader(Dataset<T> dataset, int batchSize = 1, bool shuffle = false, bool dropLast = false,
        Generator? generator = null, Func<IReadOnlyList<T>, T>? collate = null, Sampler? sampler = null)
        : base(dataset, batchSize, collate ?? DefaultCollate(), shuffle, dropLast, generator, sampler)
    {
        _defaultCollate = collate is null;
    }

    /// <summary>Lets the dataset build the batch in one step when the default collate is in use, else collates samples.</summary>
    protected override T MakeBatch(ReadOnlySpan<int> indices)
        => _defaultCollate && Dataset.TryGetBatch(indices, out var batch) ? batch : base.MakeBatch(indices);

    private static Func<IReadOnlyList<T>, T> DefaultCollate()
    {
        if (typeof(T) == typeof(Tensor))
        {
            return (Func<IReadOnlyList<T>, T>)(object)new Func<IReadOnlyList<Tensor>, Tensor>(Collate.Stack);
        }
        if (typeof(T) == typeof(Tensor[]))
        {
            return (Func<IReadOnlyList<T>, T>)(object)new Func<IReadOnlyList<Tensor[]>, Tensor[]>(Collate.StackFields);
        }
        throw new ArgumentException(
            $"DataLoader<{typeof(T).Name}>: there is no default collate function for {typeof(T).Name} samples; pass collate: (or use DataLoader<TSample, TBatch> to make batches of another type).",
            "collate");
    }
}
