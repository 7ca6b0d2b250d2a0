using System.Collections;

namespace MiniTorch.Data;

/// <summary>
/// The order in which a <see cref="DataLoader{TSample, TBatch}"/> visits a dataset's samples (PyTorch's
/// <c>torch.utils.data.Sampler</c>): each enumeration is one epoch's sequence of sample indices, and
/// <see cref="Count"/> is its length (<c>len(sampler)</c>). A sampler may visit a subset of the samples, or some twice.
/// </summary>
public abstract class Sampler : IEnumerable<int>
{
    /// <summary>The number of indices one epoch yields.</summary>
    public abstract int Count { get; }

    /// <summary>Yields one epoch's indices.</summary>
    public abstract IEnumerator<int> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
