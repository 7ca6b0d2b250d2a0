namespace MiniTorch;

/// <summary>
/// The memory behind one or more tensors (views share it), and the version counter that in-place
/// operations bump so that autograd can detect a saved tensor that was modified after it was saved.
/// </summary>
internal abstract class Storage
{
    /// <summary>Incremented by every in-place write; shared by all views of this storage.</summary>
    public int Version;

    public abstract DType DType { get; }

    public abstract int Length { get; }
}

/// <summary>Storage over a managed array of <typeparamref name="T"/> (float or double).</summary>
internal sealed class Storage<T> : Storage where T : unmanaged
{
    public readonly T[] Data;

    public Storage(T[] data) => Data = data;

    public override DType DType => typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;

    public override int Length => Data.Length;
}
