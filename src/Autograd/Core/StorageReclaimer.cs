using System.Runtime.InteropServices;

namespace MiniTorch;

/// <summary>The tracker's claim on a pooled array: taken once, either by the storage's own release or by the tracker.</summary>
internal sealed class ReuseLease(Array array, StorageReclaimer.Tracker owner, long bytes)
{
    private Array? _array = array;

    /// <summary>The bytes the tracker counts for the array.</summary>
    public long Bytes => bytes;

    /// <summary>The array, the first time only; null once taken.</summary>
    public Array? Take() => Interlocked.Exchange(ref _array, null);

    /// <summary>
    /// The storage gives its array back itself (its last view disposed): if the lease was still held, the tracker that
    /// leased it, on whichever thread it lives, no longer counts its bytes.
    /// </summary>
    public void ReturnEarly()
    {
        if (Take() is not null)
        {
            owner.ReturnedEarly(bytes);
        }
    }
}

/// <summary>
/// The mechanism behind <see cref="MemoryReuse"/>: per thread, weak handles to the pooled storages it allocated,
/// each with a lease on its array; at a safe point, arrays of unreachable storages go back to <see cref="BufferPool"/>.
/// </summary>
internal static class StorageReclaimer
{
    /// <summary>A thread holds at most this many bytes of tracked arrays; beyond it (no safe point for long, as in an
    /// inference loop on a thread that once trained) it stops tracking until the next safe point.</summary>
    private const long MaxTrackedBytes = 1L << 30;

    [ThreadStatic]
    private static Tracker? t_tracker;

    [ThreadStatic]
    private static int t_backwardDepth;

    /// <summary>Tracks <paramref name="storage"/>'s array if this thread reaches safe points and the array is large enough.</summary>
    public static void Track(Storage storage, Array array, long bytes)
    {
        if (t_tracker is { } tracker && bytes >= MemoryReuse.MinTrackedBytes && MemoryReuse.Enabled)
        {
            tracker.Add(storage, array, bytes);
        }
    }

    /// <summary>The bytes this thread's tracker counts toward its cap: tracked arrays not yet given back (for tests).</summary>
    internal static long TrackedBytesOnThisThread => t_tracker?.TrackedBytes ?? 0;

    /// <summary>Marks the start of a backward pass on this thread (passes may nest).</summary>
    public static void EnterBackward() => t_backwardDepth++;

    /// <summary>Marks the end of a backward pass; the end of an outermost one is a safe point.</summary>
    public static void ExitBackward()
    {
        if (--t_backwardDepth == 0)
        {
            AtSafePoint();
        }
    }

    /// <summary>
    /// The end of an outermost no-grad region of user code: an inference loop (<c>using (Autograd.NoGrad())</c> around
    /// a forward pass) never runs backward, so this is its safe point. Inside a backward pass (hooks) it is not one.
    /// </summary>
    public static void ExitNoGrad()
    {
        if (t_backwardDepth == 0)
        {
            AtSafePoint();
        }
    }

    // Only user-level boundaries call this: no kernel of this thread is running, so no span over a recycled array is live.
    private static void AtSafePoint()
    {
        if (MemoryReuse.Enabled)
        {
            (t_tracker ??= new Tracker()).Reclaim();
        }
    }

    private readonly record struct Entry(GCHandle Storage, ReuseLease Lease);

    /// <summary>One thread's tracked arrays. Its byte counts also fall from other threads, when a storage it leased gives its array back there.</summary>
    internal sealed class Tracker
    {
        private readonly List<Entry> _entries = [];
        private long _trackedBytes;
        private long _bytesSinceCollect;
        private int _collectionsSeen = -1;

        public long TrackedBytes => Interlocked.Read(ref _trackedBytes);

        public void Add(Storage storage, Array array, long bytes)
        {
            if (Interlocked.Read(ref _trackedBytes) + bytes > MaxTrackedBytes)
            {
                return;
            }
            var lease = new ReuseLease(array, this, bytes);
            storage.Lease = lease;
            _entries.Add(new Entry(GCHandle.Alloc(storage, GCHandleType.Weak), lease));
            Interlocked.Add(ref _trackedBytes, bytes);
            Interlocked.Add(ref _bytesSinceCollect, bytes);
        }

        /// <summary>
        /// A tracked array went back to the pool without a collection (released by the backward pass or at ZeroGrad, or
        /// its last view disposed): it no longer counts toward the cap on tracked bytes, nor toward the next forced
        /// collection, which exists only to find arrays nothing gives back. Its entry stays until its storage dies.
        /// </summary>
        public void ReturnedEarly(long bytes)
        {
            Interlocked.Add(ref _trackedBytes, -bytes);
            long seen = Interlocked.Read(ref _bytesSinceCollect);
            while (Interlocked.CompareExchange(ref _bytesSinceCollect, Math.Max(0, seen - bytes), seen) is var found && found != seen)
            {
                seen = found;
            }
        }

        public void Reclaim()
        {
            if (Interlocked.Read(ref _bytesSinceCollect) >= MemoryReuse.CollectThresholdBytes && _entries.Count > 0)
            {
                // Young generations only: the step's storages are there, and a gen-2 collection is what this avoids.
                GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: false);
                Interlocked.Exchange(ref _bytesSinceCollect, 0);
            }
            int collections = GC.CollectionCount(0);
            if (collections == _collectionsSeen)
            {
                return; // no collection since the last look: no handle can have been cleared
            }
            _collectionsSeen = collections;
            int kept = 0;
            long reclaimed = 0;
            for (int i = 0; i < _entries.Count; i++)
            {
                var e = _entries[i];
                if (e.Storage.Target is not null)
                {
                    _entries[kept++] = e;
                    continue;
                }
                e.Storage.Free();
                // Null when the storage gave its array back itself (the last view disposed, e.g. by a TensorScope),
                // which took its bytes off the count then.
                var array = e.Lease.Take();
                if (array is not null)
                {
                    Interlocked.Add(ref _trackedBytes, -e.Lease.Bytes);
                }
                switch (array)
                {
                    case float[] f:
                        BufferPool.Return(f);
                        reclaimed += e.Lease.Bytes;
                        break;
                    case double[] d:
                        BufferPool.Return(d);
                        reclaimed += e.Lease.Bytes;
                        break;
                    case int[] n:
                        BufferPool.Return(n);
                        reclaimed += e.Lease.Bytes;
                        break;
                }
            }
            _entries.RemoveRange(kept, _entries.Count - kept);
            Interlocked.Add(ref MemoryReuse.s_reclaimedBytes, reclaimed);
        }

        // A thread that trained and then ended: free the handles (its arrays are simply left to the GC).
        ~Tracker()
        {
            foreach (var e in _entries)
            {
                e.Storage.Free();
            }
        }
    }
}
