namespace MiniTorch;

/// <summary>
/// The memory behind one or more tensors (views share it), and the version counter that in-place
/// operations bump so that autograd can detect a saved tensor that was modified after it was saved.
/// </summary>
/// <remarks>
/// Storage also counts the live (not disposed) tensors that view it. When the last one is disposed and the array
/// came from <see cref="BufferPool"/>, the array goes back to the pool. Tensors that are never disposed keep the
/// count above zero for good, so without <see cref="TensorScope"/> or <see cref="Tensor.Dispose()"/> nothing is ever
/// recycled and the GC frees the memory as it always did.
/// </remarks>
internal abstract class Storage
{
    /// <summary>Incremented by every in-place write; shared by all views of this storage.</summary>
    public int Version;

    private static long s_lastSerial;

    private int _views;

    /// <summary>When this storage was made, in creation order across all threads (see <see cref="GradientHandoff"/>).</summary>
    public readonly long Serial = Interlocked.Increment(ref s_lastSerial);

    /// <summary>The serial of the newest storage made so far.</summary>
    public static long LastSerial => Interlocked.Read(ref s_lastSerial);

    /// <summary>Set once a tensor over this storage was handed to user code or taken as a gradient: it may be shared.</summary>
    public bool Exposed;

    /// <summary>The automatic-reuse tracker's claim on the array (<see cref="MemoryReuse"/>), or null when untracked.</summary>
    public ReuseLease? Lease;

    /// <summary>
    /// How many gradient buffers of the running backward pass hold a tensor over this storage (see
    /// <see cref="GradientRelease"/>); meaningful only for storages made during that pass.
    /// </summary>
    public int EngineHolds;

    /// <summary>Whether the array was rented from <see cref="BufferPool"/> (and so may go back to it).</summary>
    protected readonly bool Pooled;

    protected Storage(bool pooled) => Pooled = pooled;

    public abstract DType DType { get; }

    public abstract int Length { get; }

    /// <summary>The size of the array in bytes.</summary>
    public abstract long ByteLength { get; }

    /// <summary>Whether the array came from <see cref="BufferPool"/> (so it may go back to it).</summary>
    public bool IsPooled => Pooled;

    /// <summary>Whether the array went back to the pool: nothing may view this storage again.</summary>
    public bool Released { get; private set; }

    /// <summary>Counts one more tensor viewing this storage; fails if the storage was already given back.</summary>
    public void AddView(Tensor view)
    {
        Interlocked.Increment(ref _views);
        if (Released)
        {
            Interlocked.Decrement(ref _views);
            throw new ObjectDisposedException(nameof(Tensor), $"Cannot view a disposed tensor of {DType} (its storage went back to the buffer pool); creating a view of {Shapes.Format(view.ShapeSpan)} failed. Keep the tensor out of the TensorScope (MoveToOuterScope / DetachFromScope) if it is used later.");
        }
    }

    /// <summary>Counts one tensor fewer; the last one gives a pooled array back.</summary>
    public void RemoveView()
    {
        if (Interlocked.Decrement(ref _views) == 0 && Pooled)
        {
            Released = true;
            ReturnArray();
        }
    }

    /// <summary>
    /// Gives a pooled array back although tensors may still view it, for a caller that proved every such tensor
    /// unreachable (<see cref="GradientRelease"/>: a backward pass's own intermediate gradient once consumed). Those
    /// tensors then read an empty array and fail, and no new view can be made, as after the last view's disposal.
    /// </summary>
    public void ReleaseUnreachable()
    {
        if (Pooled && !Released)
        {
            Released = true;
            ReturnArray();
        }
    }

    protected abstract void ReturnArray();
}

/// <summary>Storage over a managed array of <typeparamref name="T"/>, the element type of one <see cref="MiniTorch.DType"/>.</summary>
internal sealed class Storage<T> : Storage where T : unmanaged
{
    /// <summary>The elements; replaced by an empty array once given back to the pool, so a stale reader fails instead of seeing another tensor's data.</summary>
    public T[] Data;

    public Storage(T[] data) : base(pooled: false) => Data = data;

    private Storage(T[] data, bool pooled) : base(pooled) => Data = data;

    /// <summary>Storage over an array of <paramref name="length"/> elements from <see cref="BufferPool"/>, contents arbitrary.</summary>
    public static Storage<T> Rent(int length)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double) && typeof(T) != typeof(int))
        {
            // Only the floating compute types and Int32 are pooled: Int32 for the per-step buffers ops keep for their
            // backward (max pooling's argmax); Int64, bool and 16-bit tensors are indices, masks, labels and stored
            // weights, small or long-lived, and the pool's byte bound and eviction cover float, double and int.
            return new Storage<T>(GC.AllocateUninitializedArray<T>(length));
        }
        var storage = new Storage<T>(BufferPool.Rent<T>(length), pooled: true);
        // A tensor made inside a TensorScope gives its array back when the scope ends: tracking it too would cost a
        // weak handle and feed the forced collections of the unscoped path, which the scoped path exists to avoid.
        if (TensorScope.Current is null)
        {
            StorageReclaimer.Track(storage, storage.Data, (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        }
        return storage;
    }

    public override DType DType => DTypeExtensions.DTypeOf<T>();

    public override int Length => Data.Length;

    public override long ByteLength => (long)Data.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    protected override void ReturnArray()
    {
        // Revoke the tracker's lease first: the array goes back once, here, never again when the storage dies.
        Lease?.ReturnEarly();
        var data = Data;
        Data = [];
        BufferPool.Return(data);
    }
}
