namespace MiniTorch.Kernels;

/// <summary>
/// Fills a contiguous range with one value, split over the cores when large: zeroing a gradient between steps
/// (<c>ZeroInPlace</c> of a 1 MiB input gradient) ran on the calling thread alone while the other core slept.
/// </summary>
internal static class ParallelFill
{
    /// <summary>data[offset .. offset + length) = <paramref name="value"/>.</summary>
    public static void Run<T>(T[] data, int offset, int length, T value) where T : unmanaged
    {
        if (ParallelElementwise.ChunkCount(length) > 1)
        {
            ParallelElementwise.For(length, new Chunk<T>(data, offset, value));
            return;
        }
        data.AsSpan(offset, length).Fill(value);
    }

    private readonly struct Chunk<T>(T[] data, int offset, T value) : IChunkBody where T : unmanaged
    {
        public void Run(int start, int length) => data.AsSpan(offset + start, length).Fill(value);
    }
}
