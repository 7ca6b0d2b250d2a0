namespace MiniTorch;

public partial class Tensor
{
    /// <summary>softmax along <paramref name="dim"/>, computed stably (the max is subtracted first).</summary>
    public Tensor Softmax(int dim)
    {
        int d = Shapes.NormalizeDim("Softmax", dim, Rank);
        Tensor r;
        if (Rank > 0 && d == Rank - 1 && IsContiguous && Numel > 0)
        {
            // Rows in place: one fused pass per row (SoftmaxKernel), the composite's bits (see its tests).
            r = Empty(_shape, DType);
            int length = _shape[^1];
            if (DType == DType.Float32)
            {
                Kernels.SoftmaxKernel<float>.Run(Data<float>(), Offset, r.Data<float>(), Numel / length, length);
            }
            else
            {
                Kernels.SoftmaxKernel<double>.Run(Data<double>(), Offset, r.Data<double>(), Numel / length, length);
            }
        }
        else
        {
            r = SoftmaxComposite(d);
        }
        if (Node.IsNeeded(this))
        {
            new SoftmaxBackward(r, d).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            // The Jacobian diag(y) − y·yᵀ is symmetric, so the tangent is the backward formula applied to it.
            Jvp.Linear(r, this, (r, d), static (t, s) => SoftmaxBackward.Derivative(t, s.r, s.d));
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("Softmax", [r], [this], new OpAttributes { { "dim", d } });
        }
        return r;
    }

    /// <summary>softmax as max-subtract, exp, sum and divide over whole tensors: any dim and layout, no graph or tangent.</summary>
    internal Tensor SoftmaxComposite(int dim)
    {
        using (Autograd.NoGrad())
        using (ForwardAD.SuspendIfActive())
        {
            var e = (this - MaxKeepDim(dim)).Exp();
            return e / e.Sum(dim, keepDim: true);
        }
    }

    /// <summary>log(softmax) along <paramref name="dim"/>, computed stably as x − logsumexp(x).</summary>
    public Tensor LogSoftmax(int dim)
    {
        int d = Shapes.NormalizeDim("LogSoftmax", dim, Rank);
        Tensor r;
        using (Autograd.NoGrad())
        using (ForwardAD.SuspendIfActive()) // the tangent comes from the rule below, not from these parts
        {
            r = this - LogSumExp([d], keepDim: true);
        }
        if (Node.IsNeeded(this))
        {
            new LogSoftmaxBackward(r, d).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            // J = I − 1·softmaxᵀ along dim: t − Σ softmax·t.
            Jvp.Linear(r, this, (r, d), static (t, s) => t - (s.r.Exp() * t).Sum(s.d, keepDim: true));
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("LogSoftmax", [r], [this], new OpAttributes { { "dim", d } });
        }
        return r;
    }

    /// <summary>log(Σ exp(x)) over <paramref name="dims"/>, computed stably (PyTorch's <c>logsumexp</c>).</summary>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        var reduced = Shapes.ReducedDims("LogSumExp", dims, Rank);
        Tensor r;
        using (Autograd.NoGrad())
        using (ForwardAD.SuspendIfActive()) // the tangent comes from the rule below, not from these parts
        {
            var m = Kernels.Reduction.Reduce("LogSumExp", this, reduced, true, Kernels.ReduceKind.Max);
            // An infinite max (all −inf, or +inf present) would make x − m NaN; shift by 0 there instead.
            m = Where(m.Abs().Eq(double.PositiveInfinity), 0, m);
            r = (this - m).Exp().Sum(dims, keepDim: true).Log() + m;
            if (!keepDim)
            {
                r = r.Reshape(Kernels.Reduction.Reduce("LogSumExp", this, reduced, false, Kernels.ReduceKind.Sum).ShapeArray);
            }
            r = r.Detach();
        }
        if (Node.IsNeeded(this))
        {
            new ReductionBackward("LogsumexpBackward", this, r, reduced, keepDim, static (g, x, lse, _) => g * (x - lse).Exp()).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            // d logsumexp = Σ softmax(x)·t over the reduced dims.
            Jvp.Linear(r, this, (x: this, r, dims, keepDim, reduced), static (t, s) =>
                (t * (s.x - (s.keepDim ? s.r : s.r.Reshape(Kernels.Reduction.KeptShape(s.x.ShapeArray, s.reduced)))).Exp()).Sum(s.dims, s.keepDim));
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("LogSumExp", [r], [this], new OpAttributes { { "dims", Shapes.DimList(reduced) }, { "keepDim", keepDim } });
        }
        return r;
    }

    /// <summary>log(Σ exp(x)) over one dimension.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp([dim], keepDim);

    private Tensor MaxKeepDim(int dim) => Kernels.Reduction.Reduce("Softmax", this, OneDim("Softmax", dim), true, Kernels.ReduceKind.Max);
}

internal sealed class SoftmaxBackward : Node
{
    private readonly int _dim;
    private SavedTensor _y;

    public SoftmaxBackward(Tensor y, int dim)
    {
        _y = new SavedTensor(y);
        _dim = dim;
    }

    public override string Name => "SoftmaxBackward";

    internal override Tensor?[] Apply(Tensor g)
    {
        return [Derivative(g, _y.Unpack(this), _dim)];
    }

    internal static Tensor Derivative(Tensor g, Tensor y, int dim) => y * (g - (g * y).Sum(dim, keepDim: true));

    internal override void ReleaseSavedTensors() => _y.Release();
}

internal sealed class LogSoftmaxBackward : Node
{
    private readonly int _dim;
    private SavedTensor _y;

    public LogSoftmaxBackward(Tensor y, int dim)
    {
        _y = new SavedTensor(y);
        _dim = dim;
    }

    public override string Name => "LogSoftmaxBackward";

    internal override Tensor?[] Apply(Tensor g) => [g - _y.Unpack(this).Exp() * g.Sum(_dim, keepDim: true)];

    internal override void ReleaseSavedTensors() => _y.Release();
}
