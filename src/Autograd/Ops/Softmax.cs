namespace MiniTorch;

public partial class Tensor
{
    /// <summary>softmax along <paramref name="dim"/>, computed stably (the max is subtracted first).</summary>
    public Tensor Softmax(int dim)
    {
        DTypeCheck.RequireFloating("Softmax", this, "softmax_lastdim_kernel_impl");
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
        return SoftmaxDefinition.Record(r, [this], d);
    }

    // The Jacobian diag(y) − y·yᵀ is symmetric, so the tangent is the backward formula applied to it.
    private static readonly OpDefinition<int> SoftmaxDefinition = new("Softmax", "SoftmaxBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Output()],
        Backward = static c => [SoftmaxGradient(c.Grad, c.Output(), c.Args)],
        Jvp = static c => SoftmaxDerivative(c.Tangent(0)!, c.Output(), c.Args),
        Attributes = static dim => new OpAttributes { { "dim", dim } },
    };

    internal static Tensor SoftmaxDerivative(Tensor g, Tensor y, int dim) => y * (g - (g * y).Sum(dim, keepDim: true));

    /// <summary>
    /// The backward: over the last dim of contiguous float32/float64 rows, outside <c>createGraph</c> and without
    /// tangents, one fused pass per row (<see cref="Kernels.SoftmaxBackwardKernel{T}"/>, the composite's bits);
    /// otherwise the composite formula in tensor ops, so that it can be differentiated again.
    /// </summary>
    internal static Tensor SoftmaxGradient(Tensor g, Tensor y, int dim)
    {
        if (Autograd.IsGradEnabled || dim != y.Rank - 1 || y.Numel == 0 || g.TangentValue is not null || y.TangentValue is not null
            || g.DType != y.DType || y.DType is not (DType.Float32 or DType.Float64) || !g.IsContiguous || !y.IsContiguous
            || !Shapes.SameShape(g.ShapeSpan, y.ShapeSpan))
        {
            return SoftmaxDerivative(g, y, dim);
        }
        var dx = Empty(y.ShapeArray, y.DType);
        int length = y.ShapeArray[^1];
        if (y.DType == DType.Float32)
        {
            Kernels.SoftmaxBackwardKernel<float>.Run(g.Data<float>(), g.Offset, y.Data<float>(), y.Offset, dx.Data<float>(), y.Numel / length, length);
        }
        else
        {
            Kernels.SoftmaxBackwardKernel<double>.Run(g.Data<double>(), g.Offset, y.Data<double>(), y.Offset, dx.Data<double>(), y.Numel / length, length);
        }
        return dx;
    }

    /// <summary>softmax as max-subtract, exp, sum and divide over whole tensors: any dim and layout, no graph or tangent.</summary>
    internal Tensor SoftmaxComposite(int dim)
    {
        using (Autograd.NoGradSynchronously())
        using (ForwardAD.SuspendIfActive())
        {
            var e = (this - MaxKeepDim(dim)).Exp();
            return e / e.Sum(dim, keepDim: true);
        }
    }

    /// <summary>log(softmax) along <paramref name="dim"/>, computed stably as x − logsumexp(x).</summary>
    public Tensor LogSoftmax(int dim)
    {
        DTypeCheck.RequireFloating("LogSoftmax", this, "log_softmax_lastdim_kernel_impl");
        int d = Shapes.NormalizeDim("LogSoftmax", dim, Rank);
        Tensor r;
        using (Autograd.NoGradSynchronously())
        using (ForwardAD.SuspendIfActive()) // the tangent comes from the rule below, not from these parts
        {
            r = this - LogSumExp([d], keepDim: true);
        }
        return LogSoftmaxDefinition.Record(r, [this], d);
    }

    // J = I − softmax·1ᵀ along dim: the gradient is g − softmax·Σg, the tangent t − Σ softmax·t.
    private static readonly OpDefinition<int> LogSoftmaxDefinition = new("LogSoftmax", "LogSoftmaxBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Output()],
        Backward = static c => [c.Grad - c.Output().Exp() * c.Grad.Sum(c.Args, keepDim: true)],
        Jvp = static c => c.Tangent(0)! - (c.Output().Exp() * c.Tangent(0)!).Sum(c.Args, keepDim: true),
        Attributes = static dim => new OpAttributes { { "dim", dim } },
    };

    /// <summary>log(Σ exp(x)) over <paramref name="dims"/>, computed stably (PyTorch's <c>logsumexp</c>).</summary>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        if (!DType.IsFloatingPoint())
        {
            // PyTorch: logsumexp of an integer or Bool tensor is computed in the default floating dtype.
            return DTypeCheck.PromoteToFloating("LogSumExp", this).LogSumExp(dims, keepDim);
        }
        DTypeCheck.RequireFloating("LogSumExp", this, "exp_vml_cpu");
        var reduced = Shapes.ReducedDims("LogSumExp", dims, Rank);
        Tensor r;
        using (Autograd.NoGradSynchronously())
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
        return LogSumExpDefinition.Record(r, [this], new(reduced, keepDim));
    }

    // The gradient is g·softmax(x) over the reduced dims; the tangent Σ softmax(x)·t.
    private static readonly OpDefinition<ReductionArgs> LogSumExpDefinition = new("LogSumExp", "LogsumexpBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0), Save.Output()],
        Backward = static c =>
        {
            var shape = c.InputShape(0);
            return [c.Args.KeepDims(c.Grad, shape) * (c.Input(0) - c.Args.KeepDims(c.Output(), shape)).Exp()];
        },
        Jvp = static c =>
        {
            var x = c.Input(0);
            return (c.Tangent(0)! * (x - c.Args.KeepDims(c.Output(), x.ShapeArray)).Exp()).Sum(c.Args.DimList, c.Args.KeepDim);
        },
        Attributes = static a => a.ToAttributes(),
    };

    /// <summary>log(Σ exp(x)) over one dimension.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp([dim], keepDim);

    private Tensor MaxKeepDim(int dim) => Kernels.Reduction.Reduce("Softmax", this, OneDim("Softmax", dim), true, Kernels.ReduceKind.Max);
}
