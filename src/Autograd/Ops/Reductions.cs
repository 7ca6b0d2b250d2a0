using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>The sum of all elements, a 0-d tensor; integer and bool tensors sum to Int64, as in PyTorch.</summary>
    public Tensor Sum() => Sum(null, false);

    /// <summary>The sum over one dimension.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>The sum over the given dimensions (all if null or empty); integer and bool tensors sum to Int64 (wrapping), as in PyTorch.</summary>
    public Tensor Sum(int[]? dims, bool keepDim = false) => SumScaled(SumDefinition, dims, keepDim, mean: false);

    /// <summary>The mean of all elements, a 0-d tensor.</summary>
    public Tensor Mean() => Mean(null, false);

    /// <summary>The mean over one dimension.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>The mean over the given dimensions (all if null or empty); an integer or bool tensor is refused, as in PyTorch (convert with To first).</summary>
    public Tensor Mean(int[]? dims, bool keepDim = false) => SumScaled(MeanDefinition, dims, keepDim, mean: true);

    private Tensor SumScaled(OpDefinition<ReductionArgs> definition, int[]? dims, bool keepDim, bool mean)
    {
        string op = definition.Name!;
        var reduced = Shapes.ReducedDims(op, dims, Rank);
        if (!IsFloat(this))
        {
            return definition.Record(NonFloatSum(op, reduced, keepDim, mean), [this], new(reduced, keepDim));
        }
        var r = Reduction.Reduce(op, this, reduced, keepDim, ReduceKind.Sum);
        double scale = 1;
        if (mean)
        {
            int count = r.Numel == 0 ? 0 : Numel / r.Numel;
            scale = 1.0 / count; // an empty mean is NaN, as in PyTorch
            r = Elementwise.Map(r, new ScalarOp<MulOp>(scale));
        }
        return definition.Record(r, [this], new(reduced, keepDim, scale));
    }

    private Tensor NonFloatSum(string op, bool[] reduced, bool keepDim, bool mean)
    {
        if (mean && !DType.IsFloatingPoint())
        {
            throw new NotSupportedException($"{op}: could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {DType.ScalarTypeName()} (dtype {DType}; PyTorch: \"mean(): could not infer output dtype\"). Convert with To(DType.Float32) first.");
        }
        if (!DType.IsIntegral(includeBool: true))
        {
            throw Elementwise.NotFloat(op, DType);
        }
        return ReductionInteger.Reduce(op, ElementwiseInteger.Convert(this, DType.Int64), reduced, keepDim, IntegerReduceKind.Sum);
    }

    private static readonly OpDefinition<ReductionArgs> SumDefinition = SumDefinitionNamed("Sum", "SumBackward");
    private static readonly OpDefinition<ReductionArgs> MeanDefinition = SumDefinitionNamed("Mean", "MeanBackward");

    // The gradient broadcast back over the reduced dims, times 1/count for a mean; linear, so the tangent is the same reduction.
    private static OpDefinition<ReductionArgs> SumDefinitionNamed(string name, string backwardName) => new(name, backwardName)
    {
        Differentiable = Operands.First,
        Backward = static c =>
        {
            var expanded = c.Args.KeepDims(c.Grad, c.InputShape(0)).Expand(c.InputShape(0));
            return [c.Args.Scale == 1 ? expanded : expanded * c.Args.Scale];
        },
        Jvp = static c => c.Args.Scale == 1 ? c.Tangent(0)!.Sum(c.Args.DimList, c.Args.KeepDim) : c.Tangent(0)!.Mean(c.Args.DimList, c.Args.KeepDim),
        Attributes = static a => a.ToAttributes(),
    };

    /// <summary>The largest element, a 0-d tensor; on ties the gradient is shared evenly, as in PyTorch.</summary>
    public Tensor Max() => ExtremeAll(MaxAllDefinition, ReduceKind.Max);

    /// <summary>The smallest element, a 0-d tensor; on ties the gradient is shared evenly, as in PyTorch.</summary>
    public Tensor Min() => ExtremeAll(MinAllDefinition, ReduceKind.Min);

    /// <summary>
    /// The largest values along <paramref name="dim"/> and their Int64 indices (PyTorch's <c>max(dim)</c>): the first of
    /// equal maxima, the first NaN if any; the gradient goes to the index returned.
    /// </summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => ExtremeDim(MaxDimDefinition, dim, keepDim, ReduceKind.ArgMax);

    /// <summary>
    /// The smallest values along <paramref name="dim"/> and their Int64 indices (PyTorch's <c>min(dim)</c>): the first of
    /// equal minima, the first NaN if any; the gradient goes to the index returned.
    /// </summary>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => ExtremeDim(MinDimDefinition, dim, keepDim, ReduceKind.ArgMin);

    /// <summary>The Int64 index of the largest element along <paramref name="dim"/> (the first on ties, the first NaN if any, as PyTorch's <c>argmax</c>).</summary>
    public Tensor ArgMax(int dim, bool keepDim = false) => ArgExtreme("ArgMax", dim, keepDim, ReduceKind.ArgMax);

    /// <summary>The Int64 index of the smallest element along <paramref name="dim"/> (the first on ties, the first NaN if any, as PyTorch's <c>argmin</c>).</summary>
    public Tensor ArgMin(int dim, bool keepDim = false) => ArgExtreme("ArgMin", dim, keepDim, ReduceKind.ArgMin);

    private Tensor ArgExtreme(string op, int dim, bool keepDim, ReduceKind kind)
    {
        int d = Shapes.NormalizeDim(op, dim, Rank);
        var r = ArgExtremeKernel.Find(op, this, d, largest: kind == ReduceKind.ArgMax);
        if (!keepDim && Rank > 0)
        {
            r = r.Squeeze(d);
        }
        var definition = kind == ReduceKind.ArgMax ? ArgMaxDefinition : ArgMinDefinition;
        return definition.Record(r, [this], (d, keepDim));
    }

    // Traced only: an index has no gradient.
    private static readonly OpDefinition<(int Dim, bool KeepDim)> ArgMaxDefinition = new("ArgMax") { Attributes = static a => DimAttributes(a.Dim, a.KeepDim) };
    private static readonly OpDefinition<(int Dim, bool KeepDim)> ArgMinDefinition = new("ArgMin") { Attributes = static a => DimAttributes(a.Dim, a.KeepDim) };

    private static OpAttributes DimAttributes(int dim, bool keepDim) => new() { { "dim", dim }, { "keepDim", keepDim } };

    private bool[] OneDim(string op, int dim) => Shapes.ReducedDims(op, [Shapes.NormalizeDim(op, dim, Rank)], Rank);

    private Tensor ExtremeAll(OpDefinition<ReductionArgs> definition, ReduceKind kind)
    {
        string op = definition.Name!;
        if (Numel == 0)
        {
            throw new ArgumentException($"{op}: expected reduction dim to be specified for input.numel() == 0 (shape {Shapes.Format(_shape)}).");
        }
        var reduced = Shapes.ReducedDims(op, null, Rank);
        if (!IsFloat(this))
        {
            if (!DType.IsIntegral(includeBool: true))
            {
                throw Elementwise.NotFloat(op, DType);
            }
            var integerKind = kind == ReduceKind.Max ? IntegerReduceKind.Max : IntegerReduceKind.Min;
            return definition.Record(ReductionInteger.Reduce(op, this, reduced, false, integerKind), [this], new(reduced, false));
        }
        return definition.Record(Reduction.Reduce(op, this, reduced, false, kind), [this], new(reduced, false));
    }

    private static readonly OpDefinition<ReductionArgs> MaxAllDefinition = ExtremeAllDefinition("Max", "MaxBackward");
    private static readonly OpDefinition<ReductionArgs> MinAllDefinition = ExtremeAllDefinition("Min", "MinBackward");

    // The gradient (and the tangent) is shared evenly among tied extremes, as in PyTorch (evenly_distribute_backward).
    private static OpDefinition<ReductionArgs> ExtremeAllDefinition(string name, string backwardName) => new(name, backwardName)
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0), Save.Output()],
        Backward = static c =>
        {
            var ties = c.Input(0).Eq(c.Output());
            return [c.Grad * ties / ties.Sum()];
        },
        Jvp = static c =>
        {
            var ties = c.Input(0).Eq(c.Output());
            return (c.Tangent(0)! * ties).Sum() / ties.Sum();
        },
        Attributes = static a => a.ToAttributes(),
    };

    private (Tensor, Tensor) ExtremeDim(OpDefinition<(int Dim, bool KeepDim)> definition, int dim, bool keepDim, ReduceKind argKind)
    {
        string op = definition.Name![..^3];
        int d = Shapes.NormalizeDim(op, dim, Rank);
        var indices = ArgExtremeKernel.Find(op, this, Rank == 0 ? 0 : d, largest: argKind == ReduceKind.ArgMax, allowBool: true);
        Tensor values;
        using (Autograd.NoGradSynchronously())
        using (ForwardAD.SuspendIfActive()) // the tangent comes from the definition's rule, not from these parts
        {
            values = Rank == 0 ? Clone() : Gather(d, indices);
        }
        if (!keepDim && Rank > 0)
        {
            values = values.Squeeze(d).Detach();
            indices = indices.Squeeze(d).Detach();
        }
        definition.Record([values, indices], [this], (Rank == 0 ? 0 : d, keepDim || Rank == 0));
        return (values, indices);
    }

    private static readonly OpDefinition<(int Dim, bool KeepDim)> MaxDimDefinition = ExtremeDimDefinition("MaxDim", "MaxBackward");
    private static readonly OpDefinition<(int Dim, bool KeepDim)> MinDimDefinition = ExtremeDimDefinition("MinDim", "MinBackward");

    // The gradient goes to the selected index only; the indices (output 1) are saved, version-checked.
    private static OpDefinition<(int Dim, bool KeepDim)> ExtremeDimDefinition(string name, string backwardName) => new(name, backwardName)
    {
        Differentiable = Operands.First,
        Saves = [Save.Output(1)],
        Backward = static c =>
        {
            var shape = c.InputShape(0);
            if (shape.Length == 0)
            {
                return [c.Grad];
            }
            var (dim, keepDim) = c.Args;
            var index = keepDim ? c.Output(1) : c.Output(1).Unsqueeze(dim);
            return [Zeros(shape, c.Grad.DType).ScatterAdd(dim, index, keepDim ? c.Grad : c.Grad.Unsqueeze(dim))];
        },
        // The tangent of the selected element: the input's tangent gathered at the returned indices.
        Jvp = static c =>
        {
            var t = c.Tangent(0)!;
            if (c.Input(0).Rank == 0)
            {
                return t;
            }
            var (dim, keepDim) = c.Args;
            var picked = t.Gather(dim, keepDim ? c.Output(1) : c.Output(1).Unsqueeze(dim));
            return keepDim ? picked : picked.Squeeze(dim);
        },
        Attributes = static a => DimAttributes(a.Dim, a.KeepDim),
    };
}

/// <summary>The arguments of a reduction over a set of dims: which dims, whether they are kept, and a mean's scale.</summary>
internal readonly record struct ReductionArgs(bool[] Reduced, bool KeepDim, double Scale = 1)
{
    /// <summary>The reduced dims as a list, as the public overloads take them.</summary>
    public int[] DimList => Shapes.DimList(Reduced);

    /// <summary><paramref name="t"/> (shaped like the result) with the reduced dims given back as size 1, so it broadcasts over the input.</summary>
    public Tensor KeepDims(Tensor t, int[] inputShape) => KeepDim ? t : t.Reshape(Reduction.KeptShape(inputShape, Reduced));

    public OpAttributes ToAttributes() => new() { { "dims", DimList }, { "keepDim", KeepDim } };
}
