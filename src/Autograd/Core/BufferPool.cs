namespace MiniTorch;

/// <summary>
/// Free lists of element arrays, bucketed by exact length, that tensor storage is rented from and returned to.
/// </summary>
/// <remarks>
/// Buckets are exact lengths, not powers of two, so a rented array's <c>Length</c> is always the storage's logical
/// length: no code that reads <c>Data.Length</c> or <c>Storage.Length</c> has to learn about slack. A training step
/// uses the same few shapes every time, so exact buckets reuse as well as rounded ones would, without wasting up to
/// half of each array. Arrays come back only from <see cref="Storage{T}"/> once no live tensor views them (see
/// <see cref="TensorScope"/> and <see cref="Tensor.Dispose()"/>), so nothing handed out here is still visible to a user.
/// Rented arrays are not cleared: callers either write every element (<c>Tensor.Empty</c>'s contract) or fill them.
/// </remarks>
internal static class BufferPool
{
    /// <summary>Bytes held in all free lists (every pooled element type: float, double, int), bounded by <see cref="MaxRetainedBytes"/>.</summary>
    private static long s_retainedBytes;

    /// <summary>The largest number of bytes the free lists keep; arrays returned beyond it are left to the GC.</summary>
    public static long MaxRetainedBytes = 512L << 20;

    public static long RetainedBytes => Interlocked.Read(ref s_retainedBytes);

    /// <summary>An array of exactly <paramref name="length"/> elements, from a free list if one holds it, with arbitrary contents.</summary>
    public static T[] Rent<T>(int length) where T : unmanaged
    {
        // Nothing has ever been returned in most programs (no scope, no Dispose): skip the lock entirely.
        if (length > 0 && Interlocked.Read(ref s_retainedBytes) > 0 && Buckets<T>.TryTake(length, out var array))
        {
            Interlocked.Add(ref s_retainedBytes, -ByteSize<T>(length));
            return array;
        }
        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>
    /// Gives back an array that nothing references any more. Past the byte bound, the lengths used least recently are
    /// dropped first: arrays recycled automatically (<see cref="MemoryReuse"/>) include one-off sizes (a data set, a
    /// checkpoint), which must not fill the pool for good and turn away the sizes a training step keeps using.
    /// </summary>
    public static void Return<T>(T[] array) where T : unmanaged
    {
        if (array.Length == 0)
        {
            return;
        }
        long bytes = ByteSize<T>(array.Length);
        long max = Volatile.Read(ref MaxRetainedBytes);
        if (bytes > max)
        {
            return;
        }
        long over = Interlocked.Read(ref s_retainedBytes) + bytes - max;
        if (over > 0)
        {
            long freed = Buckets<T>.EvictLeastRecentlyUsed(over, array.Length);
            // Then the other element types' buckets (all of them but T's, whose kept length is already protected).
            if (freed < over && typeof(T) != typeof(float))
            {
                freed += Buckets<float>.EvictLeastRecentlyUsed(over - freed, -1);
            }
            if (freed < over && typeof(T) != typeof(double))
            {
                freed += Buckets<double>.EvictLeastRecentlyUsed(over - freed, -1);
            }
            if (freed < over && typeof(T) != typeof(int))
            {
                freed += Buckets<int>.EvictLeastRecentlyUsed(over - freed, -1);
            }
            Interlocked.Add(ref s_retainedBytes, -freed);
        }
        if (Interlocked.Add(ref s_retainedBytes, bytes) > max || !Buckets<T>.TryPut(array))
        {
            Interlocked.Add(ref s_retainedBytes, -bytes);
        }
    }

    /// <summary>Drops every free array so the GC can reclaim it.</summary>
    public static void Clear()
    {
        Interlocked.Add(ref s_retainedBytes, -Buckets<float>.Clear() - Buckets<double>.Clear() - Buckets<int>.Clear());
    }

    private static long ByteSize<T>(int length) where T : unmanaged => (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    /// <summary>The free lists of one element type, keyed by length, behind one lock (held for a dictionary probe and a push or pop).</summary>
    private static class Buckets<T> where T : unmanaged
    {
        // A program with shapes drawn at random would otherwise grow one empty bucket per length ever seen.
        private const int MaxBuckets = 4096;
        private static readonly Dictionary<int, Bucket> s_buckets = [];
        private static long s_clock;

        private sealed class Bucket
        {
            public readonly Stack<T[]> Arrays = new();
            public long LastUse;
        }

        public static bool TryTake(int length, out T[] array)
        {
            lock (s_buckets)
            {
                if (s_buckets.TryGetValue(length, out var bucket) && bucket.Arrays.TryPop(out array!))
                {
                    bucket.LastUse = ++s_clock;
                    return true;
                }
            }
            array = [];
            return false;
        }

        public static bool TryPut(T[] array)
        {
            lock (s_buckets)
            {
                if (!s_buckets.TryGetValue(array.Length, out var bucket))
                {
                    if (s_buckets.Count >= MaxBuckets)
                    {
                        return false;
                    }
                    bucket = new Bucket();
                    s_buckets[array.Length] = bucket;
                }
                bucket.Arrays.Push(array);
                bucket.LastUse = ++s_clock;
                return true;
            }
        }

        /// <summary>Drops whole buckets, least recently used first (never <paramref name="keepLength"/>'s), until <paramref name="bytes"/> are freed; returns the bytes freed.</summary>
        public static long EvictLeastRecentlyUsed(long bytes, int keepLength)
        {
            long freed = 0;
            lock (s_buckets)
            {
                while (freed < bytes)
                {
                    int oldest = -1;
                    long oldestUse = long.MaxValue;
                    foreach (var (length, bucket) in s_buckets)
                    {
                        if (length != keepLength && bucket.Arrays.Count > 0 && bucket.LastUse < oldestUse)
                        {
                            oldest = length;
                            oldestUse = bucket.LastUse;
                        }
                    }
                    if (oldest < 0)
                    {
                        break;
                    }
                    freed += ByteSize<T>(oldest) * s_buckets[oldest].Arrays.Count;
                    s_buckets.Remove(oldest);
                }
            }
            return freed;
        }

        public static long Clear()
        {
            long bytes = 0;
            lock (s_buckets)
            {
                foreach (var (length, bucket) in s_buckets)
                {
                    bytes += ByteSize<T>(length) * bucket.Arrays.Count;
                }
                s_buckets.Clear();
            }
            return bytes;
        }
    }
}
