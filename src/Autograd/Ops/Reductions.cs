using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>The sum of all elements, a 0-d tensor.</summary>
    public Tensor Sum() => Sum(null, false);

    /// <summary>The sum over one dimension.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>The sum over the given dimensions (all if null or empty).</summary>
    public Tensor Sum(int[]? dims, bool keepDim = false) => SumScaled("Sum", "SumBackward", dims, keepDim, mean: false);

    /// <summary>The mean of all elements, a 0-d tensor.</summary>
    public Tensor Mean() => Mean(null, false);

    /// <summary>The mean over one dimension.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>The mean over the given dimensions (all if null or empty).</summary>
    public Tensor Mean(int[]? dims, bool keepDim = false) => SumScaled("Mean", "MeanBackward", dims, keepDim, mean: true);

    private Tensor SumScaled(string op, string backwardName, int[]? dims, bool keepDim, bool mean)
    {
        var reduced = Shapes.ReducedDims(op, dims, Rank);
        var r = Reduction.Reduce(op, this, reduced, keepDim, ReduceKind.Sum);
        double scale = 1;
        if (mean)
        {
            int count = r.Numel == 0 ? 0 : Numel / r.Numel;
            scale = 1.0 / count; // an empty mean is NaN, as in PyTorch
            r = Elementwise.Map(r, new ScalarOp<MulOp>(scale));
        }
        if (Node.IsNeeded(this))
        {
            new SumBackward(backwardName, reduced, keepDim, scale).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            SumBackward.Jvp(r, this, dims, keepDim, mean);
        }
        if (Tracing.IsActive)
        {
            Tracing.Record(op, [r], [this], new OpAttributes { { "dims", Shapes.DimList(reduced) }, { "keepDim", keepDim } });
        }
        return r;
    }

    /// <summary>The largest element, a 0-d tensor; on ties the gradient is shared evenly, as in PyTorch.</summary>
    public Tensor Max() => ExtremeAll("Max", ReduceKind.Max, "MaxBackward");

    /// <summary>The smallest element, a 0-d tensor; on ties the gradient is shared evenly, as in PyTorch.</summary>
    public Tensor Min() => ExtremeAll("Min", ReduceKind.Min, "MinBackward");

    /// <summary>The largest values along <paramref name="dim"/> and their indices (as floats); the gradient goes to the index returned.</summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => ExtremeDim("Max", dim, keepDim, ReduceKind.ArgMax, "MaxBackward");

    /// <summary>The smallest values along <paramref name="dim"/> and their indices (as floats); the gradient goes to the index returned.</summary>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => ExtremeDim("Min", dim, keepDim, ReduceKind.ArgMin, "MinBackward");

    /// <summary>The index of the largest element along <paramref name="dim"/> (first on ties), as floats.</summary>
    public Tensor ArgMax(int dim, bool keepDim = false) => ArgExtreme("ArgMax", dim, keepDim, ReduceKind.ArgMax);

    /// <summary>The index of the smallest element along <paramref name="dim"/> (first on ties), as floats.</summary>
    public Tensor ArgMin(int dim, bool keepDim = false) => ArgExtreme("ArgMin", dim, keepDim, ReduceKind.ArgMin);

    private Tensor ArgExtreme(string op, int dim, bool keepDim, ReduceKind kind)
    {
        var reduced = OneDim(op, dim);
        var r = Reduction.Reduce(op, this, reduced, keepDim, kind);
        if (Tracing.IsActive)
        {
            Tracing.Record(op, [r], [this], new OpAttributes { { "dim", Rank == 0 ? 0 : Shapes.DimList(reduced)[0] }, { "keepDim", keepDim } });
        }
        return r;
    }

    private bool[] OneDim(string op, int dim) => Shapes.ReducedDims(op, [Shapes.NormalizeDim(op, dim, Rank)], Rank);

    private Tensor ExtremeAll(string op, ReduceKind kind, string backwardName)
    {
        if (Numel == 0)
        {
            throw new ArgumentException($"{op}: expected reduction dim to be specified for input.numel() == 0 (shape {Shapes.Format(_shape)}).");
        }
        var r = Reduction.Reduce(op, this, Shapes.ReducedDims(op, null, Rank), false, kind);
        if (Node.IsNeeded(this))
        {
            new SavedPairBackward(backwardName, this, r, static (g, x, y) =>
            {
                var ties = x.Eq(y);
                return g * ties / ties.Sum();
            }).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            // Shared evenly among tied extremes, as the gradient is (PyTorch's evenly_read_jvp).
            Jvp.Linear(r, this, (x: this, y: r), static (t, s) =>
            {
                var ties = s.x.Eq(s.y);
                return (t * ties).Sum() / ties.Sum();
            });
        }
        if (Tracing.IsActive)
        {
            Tracing.Record(op, [r], [this], new OpAttributes { { "dims", Shapes.DimList(Shapes.ReducedDims(op, null, Rank)) }, { "keepDim", false } });
        }
        return r;
    }

    private (Tensor, Tensor) ExtremeDim(string op, int dim, bool keepDim, ReduceKind argKind, string backwardName)
    {
        int d = Shapes.NormalizeDim(op, dim, Rank);
        var indices = Reduction.Reduce(op, this, OneDim(op, d), true, argKind);
        Tensor values;
        using (Autograd.NoGrad())
        {
            values = Rank == 0 ? Clone() : Gather(d, indices);
        }
        if (!keepDim && Rank > 0)
        {
            values = values.Squeeze(d).Detach();
            indices = indices.Squeeze(d).Detach();
        }
        if (Node.IsNeeded(this))
        {
            new IndexedReductionBackward(backwardName, Rank == 0 ? 0 : d, indices, keepDim || Rank == 0).Connect(values, this);
        }
        if (ForwardAD.IsActive)
        {
            IndexedReductionBackward.Jvp(values, this, Rank == 0 ? 0 : d, indices, keepDim || Rank == 0);
        }
        if (Tracing.IsActive)
        {
            Tracing.Record(op + "Dim", [values, indices], [this], new OpAttributes { { "dim", d }, { "keepDim", keepDim || Rank == 0 } });
        }
        return (values, indices);
    }
}

/// <summary>Backward of Sum/Mean: the gradient broadcast back over the reduced dims, times 1/count for a mean.</summary>
internal sealed class SumBackward : Node
{
    private readonly string _name;
    private readonly bool[] _reduced;
    private readonly bool _keepDim;
    private readonly double _scale;

    public SumBackward(string name, bool[] reduced, bool keepDim, double scale)
    {
        _name = name;
        _reduced = reduced;
        _keepDim = keepDim;
        _scale = scale;
    }

    public override string Name => _name;

    /// <summary>Sum and Mean are linear: the tangent is the same reduction of the input's tangent.</summary>
    internal static void Jvp(Tensor r, Tensor x, int[]? dims, bool keepDim, bool mean)
    {
        if (ForwardAD.TangentOf(x) is { } t)
        {
            using var jvp = ForwardAD.Suspend();
            jvp.SetTangent(r, mean ? t.Mean(dims, keepDim) : t.Sum(dims, keepDim));
        }
    }

    internal override Tensor?[] Apply(Tensor g)
    {
        var shape = Edges[0].Shape;
        var kept = _keepDim ? g : g.Reshape(Reduction.KeptShape(shape, _reduced));
        var expanded = kept.Expand(shape);
        return [_scale == 1 ? expanded : expanded * _scale];
    }
}

/// <summary>Backward of Max/Min along a dim: the gradient goes to the selected index only.</summary>
internal sealed class IndexedReductionBackward : Node
{
    private readonly string _name;
    private readonly int _dim;
    private readonly Tensor _indices;
    private readonly bool _keepDim;

    public IndexedReductionBackward(string name, int dim, Tensor indices, bool keepDim)
    {
        _name = name;
        _dim = dim;
        _indices = indices;
        _keepDim = keepDim;
    }

    public override string Name => _name;

    /// <summary>The tangent of the selected element: the input's tangent gathered at the returned indices.</summary>
    internal static void Jvp(Tensor values, Tensor x, int dim, Tensor indices, bool keepDim)
    {
        if (ForwardAD.TangentOf(x) is not { } t)
        {
            return;
        }
        using var jvp = ForwardAD.Suspend();
        if (x.Rank == 0)
        {
            jvp.SetTangent(values, t);
            return;
        }
        var picked = t.Gather(dim, keepDim ? indices : indices.Unsqueeze(dim));
        jvp.SetTangent(values, keepDim ? picked : picked.Squeeze(dim));
    }

    internal override Tensor?[] Apply(Tensor g)
    {
        var shape = Edges[0].Shape;
        if (shape.Length == 0)
        {
            return [g];
        }
        var kept = _keepDim ? g : g.Unsqueeze(_dim);
        var index = _keepDim ? _indices : _indices.Unsqueeze(_dim);
        return [Tensor.Zeros(shape, g.DType).ScatterAdd(_dim, index, kept)];
    }
}
