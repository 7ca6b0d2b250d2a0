namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// The variance over <paramref name="dims"/> (all if null) with Bessel's correction by default
    /// (<paramref name="correction"/> = 1, PyTorch's default; 0 gives the population variance).
    /// </summary>
    public Tensor Var(int[]? dims = null, int correction = 1, bool keepDim = false) => Variance("Var", dims, correction, keepDim);

    /// <summary>The variance over one dimension.</summary>
    public Tensor Var(int dim, int correction = 1, bool keepDim = false) => Var([dim], correction, keepDim);

    /// <summary>The standard deviation: √<see cref="Var(int[], int, bool)"/>.</summary>
    public Tensor Std(int[]? dims = null, int correction = 1, bool keepDim = false) => Variance("Std", dims, correction, keepDim).Sqrt();

    /// <summary>The standard deviation over one dimension.</summary>
    public Tensor Std(int dim, int correction = 1, bool keepDim = false) => Std([dim], correction, keepDim);

    // The op name is a parameter so that a bad dim passed to Std is reported as Std's, not Var's.
    private Tensor Variance(string op, int[]? dims, int correction, bool keepDim)
    {
        DTypeCheck.RequireFloating(op, this); // PyTorch: "std and var only support floating point and complex dtypes"
        var reduced = Shapes.ReducedDims(op, dims, Rank);
        int count = 1;
        for (int d = 0; d < Rank; d++)
        {
            if (reduced[d])
            {
                count *= _shape[d];
            }
        }
        var centered = this - Mean(dims, keepDim: true);
        // With too few elements PyTorch returns inf or NaN rather than throwing; so does dividing by ≤ 0 here.
        return (centered * centered).Sum(dims, keepDim) / Math.Max(0, count - correction);
    }

    /// <summary>
    /// The p-norm over <paramref name="dims"/> (all if null): p = 2 by default; 1, ∞ and any p &gt; 0 are supported.
    /// The 2-norm's gradient at the zero vector is 0, as in PyTorch.
    /// </summary>
    public Tensor Norm(double p = 2, int[]? dims = null, bool keepDim = false)
    {
        DTypeCheck.RequireFloating("Norm", this); // PyTorch: "norm(): input dtype should be either floating point or complex"
        if (!(p > 0))
        {
            throw new ArgumentException($"Norm: p must be positive (got {p}).", nameof(p));
        }
        // Validated here, for every p, so a bad dim is reported as Norm's and not as the Sum or Pow it is built from.
        var reduced = Shapes.ReducedDims("Norm", dims, Rank);
        if (p == 2)
        {
            // One accurate kernel (cascade sum of squares, scaled by a power of two where the squares would overflow
            // or underflow), rather than Sqrt(Sum(x·x)), which is +∞ in float32 once an element passes 1.8e19.
            return Norm2Definition.Record(Kernels.Reduction.Reduce("Norm", this, reduced, keepDim, Kernels.ReduceKind.Norm2), [this], new(reduced, keepDim));
        }
        var abs = Abs();
        if (double.IsPositiveInfinity(p))
        {
            return abs.Amax(dims, keepDim); // Abs's gradient at 0 is sign(0) = 0, so the zero vector gets zeros
        }
        if (p == 1)
        {
            return abs.Sum(dims, keepDim);
        }
        return PNorm(p, dims, reduced, keepDim);
    }

    private static readonly OpDefinition<ReductionArgs> Norm2Definition = new("Norm", "NormBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0), Save.Output()],
        Backward = static c =>
        {
            // x/‖x‖, masked to 0 where the norm is 0 (PyTorch's norm_backward). The safe denominator
            // keeps the masked branch finite, so second derivatives stay finite too.
            var norm = c.Args.KeepDims(c.Output(), c.InputShape(0));
            var zero = norm.Eq(0);
            return [c.Input(0) * Where(zero, 0, c.Args.KeepDims(c.Grad, c.InputShape(0)) / Where(zero, 1, norm))];
        },
        // d‖x‖ = Σ x·t / ‖x‖, 0 where the norm is 0 (as the gradient).
        Jvp = static c =>
        {
            var zero = c.Output().Eq(0);
            return Where(zero, 0, (c.Input(0) * c.Tangent(0)!).Sum(c.Args.DimList, c.Args.KeepDim) / Where(zero, 1, c.Output()));
        },
        Attributes = static a => a.ToAttributes(),
    };

    /// <summary>
    /// The p-norm for p other than 1, 2 and ∞, with PyTorch's norm_backward as its gradient: composed of Pow and Sum,
    /// its gradient at the zero vector would be 0·∞ = NaN, where PyTorch gives the subgradient 0 (test_norm_subgradient).
    /// </summary>
    private Tensor PNorm(double p, int[]? dims, bool[] reduced, bool keepDim)
    {
        Tensor r;
        using (Autograd.NoGradSynchronously())
        using (ForwardAD.SuspendIfActive()) // the tangent comes from the rule below, not from these parts
        {
            r = Abs().Pow(p).Sum(dims, keepDim).Pow(1 / p);
        }
        // Not traced itself: the parts it is computed with are.
        return PNormDefinition.Record(r, [this], (new ReductionArgs(reduced, keepDim), p));
    }

    private static readonly OpDefinition<(ReductionArgs Reduction, double P)> PNormDefinition = new(null, "NormBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0), Save.Output()],
        Backward = static c =>
        {
            var (reduction, p) = c.Args;
            var shape = c.InputShape(0);
            return [PNormGrad(reduction.KeepDims(c.Grad, shape), c.Input(0), reduction.KeepDims(c.Output(), shape), p)];
        },
        // d‖x‖ = Σ (∂‖x‖/∂x)·t, with the gradient's masking at zeros.
        Jvp = static c =>
        {
            var (reduction, p) = c.Args;
            var norm = reduction.KeepDims(c.Output(), c.Input(0).ShapeArray);
            return (PNormGrad(OnesLike(norm), c.Input(0), norm, p) * c.Tangent(0)!).Sum(reduction.DimList, reduction.KeepDim);
        },
    };

    /// <summary>
    /// ∂‖x‖ₚ/∂x · g = sign(x)·|x|^(p−1) · g / ‖x‖^(p−1), as PyTorch's norm_backward: for p &lt; 1 the |x|^(p−1) factor
    /// is 0 where x is 0, otherwise the factor g / ‖x‖^(p−1) is 0 where the norm is 0. Masked branches read safe
    /// values (1), so the second derivative stays finite where the first is masked.
    /// </summary>
    private static Tensor PNormGrad(Tensor g, Tensor x, Tensor norm, double p)
    {
        if (p < 1)
        {
            var xZero = x.Eq(0);
            var scaled = x.Sign() * Where(xZero, 0, Where(xZero, 1, x.Abs()).Pow(p - 1));
            return scaled * g * norm.Pow(1 - p);
        }
        var selfScaled = p < 2 ? x.Sign() * x.Abs().Pow(p - 1) : x * x.Abs().Pow(p - 2);
        var zero = norm.Eq(0);
        return selfScaled * Where(zero, 0, g / Where(zero, 1, norm).Pow(p - 1));
    }

    /// <summary>
    /// The largest element over <paramref name="dims"/> (all if null), keeping the reduced dims as size 1 when
    /// <paramref name="keepDim"/> is set. Its gradient is shared evenly among tied maxima, as PyTorch's inf-norm
    /// and amax do (a chain of Max(dim) would give it all to one index).
    /// </summary>
    private Tensor Amax(int[]? dims, bool keepDim)
    {
        var reduced = Shapes.ReducedDims("Norm", dims, Rank);
        return AmaxDefinition.Record(Kernels.Reduction.Reduce("Norm", this, reduced, keepDim, Kernels.ReduceKind.Max), [this], new(reduced, keepDim));
    }

    // Traced as Max over dims. Shared evenly among tied maxima; the tie mask is a constant, so the second derivative
    // flows through g only, as in PyTorch.
    private static readonly OpDefinition<ReductionArgs> AmaxDefinition = new("Max", "AmaxBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0), Save.Output()],
        Backward = static c =>
        {
            var shape = c.InputShape(0);
            var ties = c.Input(0).Eq(c.Args.KeepDims(c.Output(), shape));
            return [c.Args.KeepDims(c.Grad, shape) * ties / ties.Sum(c.Args.DimList, keepDim: true)];
        },
        Jvp = static c =>
        {
            var ties = c.Input(0).Eq(c.Args.KeepDims(c.Output(), c.Input(0).ShapeArray));
            return (c.Tangent(0)! * ties).Sum(c.Args.DimList, c.Args.KeepDim) / ties.Sum(c.Args.DimList, c.Args.KeepDim);
        },
        Attributes = static a => a.ToAttributes(),
    };
}
