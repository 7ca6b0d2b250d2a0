using MiniTorch.Data;

namespace MiniTorch.Distributed;

/// <summary>
/// Gives each rank its own shard of a dataset (PyTorch's <c>torch.utils.data.distributed.DistributedSampler</c>, with
/// the same arithmetic): the indices (shuffled with seed + epoch, or in order) are padded by repeating the first ones
/// until they divide evenly, or cut with <c>dropLast</c>, and rank r takes every numReplicas-th index starting at r.
/// So every rank has the same number of samples per epoch, and the shards are disjoint apart from the padding.
/// </summary>
/// <remarks>
/// Call <see cref="SetEpoch"/> at the start of every epoch, as in PyTorch; otherwise every epoch has the same order.
/// The shuffled order is a permutation drawn from MiniTorch's <see cref="Generator"/> seeded with seed + epoch: the same
/// on every rank and every run, but not the order PyTorch's <c>torch.randperm</c> gives for that seed (a different
/// generator). Without shuffling the index lists are exactly PyTorch's.
/// </remarks>
public sealed class DistributedSampler : Sampler
{
    private readonly int _datasetCount;
    private int _epoch;

    /// <summary>Creates the sampler for one rank (PyTorch's <c>DistributedSampler(dataset)</c> is <c>new DistributedSampler(dataset.Count)</c>).</summary>
    /// <param name="datasetCount">The number of samples in the dataset (<c>len(dataset)</c>).</param>
    /// <param name="numReplicas">The number of ranks sharing the dataset; <see cref="Distributed.WorldSize"/> when omitted.</param>
    /// <param name="rank">This rank; <see cref="Distributed.Rank"/> when omitted.</param>
    /// <param name="shuffle">Shuffle the indices each epoch (seed + epoch).</param>
    /// <param name="seed">The shuffle seed; it must be the same on every rank.</param>
    /// <param name="dropLast">Drop the tail so the shards divide evenly, instead of padding with repeated indices.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative count, fewer than one replica, or a rank outside [0, numReplicas-1].</exception>
    public DistributedSampler(int datasetCount, int? numReplicas = null, int? rank = null, bool shuffle = true, long seed = 0, bool dropLast = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(datasetCount);
        int replicas = numReplicas ?? Distributed.WorldSize;
        int me = rank ?? Distributed.Rank;
        if (replicas < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numReplicas), replicas, $"DistributedSampler: numReplicas must be at least 1, got {replicas}.");
        }
        if (me < 0 || me >= replicas)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), me, $"DistributedSampler: Invalid rank {me}, rank should be in the interval [0, {replicas - 1}].");
        }
        _datasetCount = datasetCount;
        NumReplicas = replicas;
        Rank = me;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        // PyTorch: with drop_last and an uneven split, ceil((n - replicas) / replicas); else ceil(n / replicas).
        NumSamples = dropLast && datasetCount % replicas != 0
            ? (int)Math.Ceiling((datasetCount - replicas) / (double)replicas)
            : (int)(((long)datasetCount + replicas - 1) / replicas);
        NumSamples = Math.Max(0, NumSamples);
    }

    /// <summary>The number of ranks sharing the dataset.</summary>
    public int NumReplicas { get; }

    /// <summary>This sampler's rank.</summary>
    public int Rank { get; }

    /// <summary>Whether each epoch is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>The shuffle seed.</summary>
    public long Seed { get; }

    /// <summary>Whether the tail is dropped instead of padded.</summary>
    public bool DropLast { get; }

    /// <summary>The number of indices each rank gets per epoch (PyTorch's <c>num_samples</c>).</summary>
    public int NumSamples { get; }

    /// <summary>The number of indices over all ranks (PyTorch's <c>total_size</c>).</summary>
    public int TotalSize => NumSamples * NumReplicas;

    /// <summary>The current epoch, which seeds the shuffle.</summary>
    public int Epoch => _epoch;

    /// <inheritdoc />
    public override int Count => NumSamples;

    /// <summary>Sets the epoch, so the next enumeration shuffles differently (PyTorch's <c>set_epoch</c>); call it on every rank.</summary>
    public void SetEpoch(int epoch) => _epoch = epoch;

    /// <summary>This rank's indices for the current epoch.</summary>
    public int[] Indices()
    {
        int n = _datasetCount;
        int[] all;
        if (Shuffle)
        {
            all = Permutation.Random(n, new Generator(Seed + _epoch));
        }
        else
        {
            all = new int[n];
            for (int i = 0; i < n; i++)
            {
                all[i] = i;
            }
        }
        var mine = new int[NumSamples];
        if (n == 0)
        {
            return mine;
        }
        // Index j of the padded list is all[j % n]: padding repeats the list from its start, as PyTorch's does.
        for (int k = 0; k < mine.Length; k++)
        {
            int j = Rank + k * NumReplicas;
            mine[k] = all[j % n];
        }
        return mine;
    }

    /// <inheritdoc />
    public override IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Indices()).GetEnumerator();
}
