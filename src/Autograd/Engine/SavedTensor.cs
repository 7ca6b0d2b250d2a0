namespace MiniTorch;

/// <summary>
/// A tensor saved by a node for its backward, with the storage version at save time so that an
/// in-place change made afterwards is caught instead of silently producing a wrong gradient.
/// </summary>
internal struct SavedTensor
{
    private Tensor? _tensor;
    private readonly int _version;
    private bool _released;

    public SavedTensor(Tensor tensor)
    {
        _tensor = tensor;
        _version = tensor.Storage.Version;
        _released = false;
    }

    public readonly Tensor Unpack(Node owner)
    {
        if (_released || _tensor is null)
        {
            throw new AutogradException(
                "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
                $"Saved intermediate values of the graph ({owner.Name}) are freed when you call Backward() or Autograd.Grad(). " +
                "Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.");
        }
        if (_tensor.Storage.Version != _version)
        {
            throw new AutogradException(
                "One of the variables needed for gradient computation has been modified by an inplace operation: " +
                $"[{_tensor.DType} {Shapes.Format(_tensor.ShapeSpan)}], which is saved by {owner.Name}, is at version {_tensor.Storage.Version}; expected version {_version} instead. " +
                "Hint: do the in-place operation on a copy (Clone()) or use the out-of-place op, so the saved value stays intact.");
        }
        return _tensor;
    }

    /// <summary>The saved tensor without the release and version checks, for a reader that runs right after saving (a Function's Jvp).</summary>
    public readonly Tensor Peek() => _tensor ?? throw new InvalidOperationException("SavedTensor.Peek: the tensor was released.");

    public void Release()
    {
        _tensor = null;
        _released = true;
    }
}
