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

/// <summary>
/// Backward of a reduction that needs its input and its result (Norm, Amax, LogSumExp): the result and the
/// incoming gradient are first given back the reduced dims as size 1, so the formula can broadcast them over x.
/// </summary>
internal sealed class ReductionBackward : Node
{
    private readonly string _name;
    private readonly bool[] _reduced;
    private readonly bool _keepDim;
    private readonly Func<Tensor, Tensor, Tensor, bool[], Tensor> _formula;
    private SavedTensor _x;
    private SavedTensor _result;

    // formula: (g, x, result, reduced) → dx, with g and result in the kept-dims shape.
    public ReductionBackward(string name, Tensor x, Tensor result, bool[] reduced, bool keepDim, Func<Tensor, Tensor, Tensor, bool[], Tensor> formula)
    {
        _name = name;
        _x = new SavedTensor(x);
        _result = new SavedTensor(result);
        _reduced = reduced;
        _keepDim = keepDim;
        _formula = formula;
    }

    public override string Name => _name;

    internal override Tensor?[] Apply(Tensor g)
    {
        var x = _x.Unpack(this);
        var result = _result.Unpack(this);
        if (!_keepDim)
        {
            var kept = Kernels.Reduction.KeptShape(x.ShapeArray, _reduced);
            result = result.Reshape(kept);
            g = g.Reshape(kept);
        }
        return [_formula(g, x, result, _reduced)];
    }

    internal override void ReleaseSavedTensors()
    {
        _x.Release();
        _result.Release();
    }
}

/// <summary>
/// Backward of a bilinear op (Mul, Dot, Mm, Bmm): each input's gradient needs only the other input, so an
/// input is saved only when the other one requires grad.
/// </summary>
internal abstract class BilinearBackward : Node
{
    private readonly string _name;
    private SavedTensor _a;
    private SavedTensor _b;

    protected BilinearBackward(string name, Tensor a, Tensor b)
    {
        _name = name;
        if (b.RequiresGrad)
        {
            _a = new SavedTensor(a);
        }
        if (a.RequiresGrad)
        {
            _b = new SavedTensor(b);
        }
    }

    public override string Name => _name;

    /// <summary>The first input; saved when the second requires grad.</summary>
    protected Tensor A => _a.Unpack(this);

    /// <summary>The second input; saved when the first requires grad.</summary>
    protected Tensor B => _b.Unpack(this);

    internal override void ReleaseSavedTensors()
    {
        _a.Release();
        _b.Release();
    }
}

// Still used by files not yet on OpDefinition; removed when the last of them moves.
internal sealed class MulBackward : BilinearBackward
{
    public MulBackward(Tensor a, Tensor b, string name = "MulBackward") : base(name, a, b)
    {
    }

    internal override Tensor?[] Apply(Tensor g) =>
    [
        NeedsInputGrad(0) ? (g * B).SumToShape(Edges[0].Shape) : null,
        NeedsInputGrad(1) ? (g * A).SumToShape(Edges[1].Shape) : null,
    ];
}

/// <summary>Backward of ops whose derivative is a constant: g·c.</summary>
internal sealed class ScaleBackward : Node
{
    private readonly string _name;
    private readonly double _scale;

    private readonly int _constantInput;

    /// <param name="name">The node's name.</param>
    /// <param name="scale">The constant derivative.</param>
    /// <param name="constantInput">The position of a constant (scalar) second input, which gets no gradient; −1 for none.</param>
    public ScaleBackward(string name, double scale, int constantInput = -1)
    {
        _name = name;
        _scale = scale;
        _constantInput = constantInput;
    }

    public override string Name => _name;

    internal override Tensor?[] Apply(Tensor g)
    {
        var grad = _scale == 1 ? g : g * _scale;
        return _constantInput switch
        {
            0 => [null, grad],
            1 => [grad, null],
            _ => [grad],
        };
    }
}
