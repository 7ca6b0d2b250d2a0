namespace MiniTorch;

/// <summary>
/// Backward of a one-input op whose derivative is a formula in the grad and one saved tensor
/// (the input or the output). The formula is a static lambda: cached by the compiler, never allocated per op.
/// </summary>
internal sealed class SavedOneBackward : Node
{
    private readonly string _name;
    private readonly Func<Tensor, Tensor, Tensor> _formula;
    private SavedTensor _saved;

    public SavedOneBackward(string name, Tensor saved, Func<Tensor, Tensor, Tensor> formula)
    {
        _name = name;
        _saved = new SavedTensor(saved);
        _formula = formula;
    }

    public override string Name => _name;

    internal override Tensor?[] Apply(Tensor g) => [_formula(g, _saved.Unpack(this))];

    internal override void ReleaseSavedTensors() => _saved.Release();
}

/// <summary>Backward of a one-input op whose derivative needs two saved tensors (typically the input and the output).</summary>
internal sealed class SavedPairBackward : Node
{
    private readonly string _name;
    private readonly Func<Tensor, Tensor, Tensor, Tensor> _formula;
    private SavedTensor _first;
    private SavedTensor _second;

    public SavedPairBackward(string name, Tensor first, Tensor second, Func<Tensor, Tensor, Tensor, Tensor> formula)
    {
        _name = name;
        _first = new SavedTensor(first);
        _second = new SavedTensor(second);
        _formula = formula;
    }

    public override string Name => _name;

    internal override Tensor?[] Apply(Tensor g) => [_formula(g, _first.Unpack(this), _second.Unpack(this))];

    internal override void ReleaseSavedTensors()
    {
        _first.Release();
        _second.Release();
    }
}
