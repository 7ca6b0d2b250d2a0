using MiniTorch.Kernels;

namespace MiniTorch;

// Any and All: truth-value reductions of any dtype (non-zero is true) into Bool, as PyTorch's any/all.
public partial class Tensor
{
    /// <summary>Whether any element is non-zero, a 0-d Bool tensor (PyTorch's <c>torch.any</c>; false for an empty tensor; UInt8 input gives UInt8, as in PyTorch 1.13).</summary>
    public Tensor Any() => TruthReduction(AnyDefinition, null, false, IntegerReduceKind.Any);

    /// <summary>Whether any element along <paramref name="dim"/> is non-zero, a Bool tensor.</summary>
    public Tensor Any(int dim, bool keepDim = false) => TruthReduction(AnyDefinition, [dim], keepDim, IntegerReduceKind.Any);

    /// <summary>Whether every element is non-zero, a 0-d Bool tensor (PyTorch's <c>torch.all</c>; true for an empty tensor).</summary>
    public Tensor All() => TruthReduction(AllDefinition, null, false, IntegerReduceKind.All);

    /// <summary>Whether every element along <paramref name="dim"/> is non-zero, a Bool tensor.</summary>
    public Tensor All(int dim, bool keepDim = false) => TruthReduction(AllDefinition, [dim], keepDim, IntegerReduceKind.All);

    private Tensor TruthReduction(OpDefinition<ReductionArgs> definition, int[]? dims, bool keepDim, IntegerReduceKind kind)
    {
        string op = definition.Name!;
        var reduced = Shapes.ReducedDims(op, dims, Rank);
        var r = ReductionInteger.Reduce(op, ElementwiseInteger.Convert(this, DType.Bool), reduced, keepDim, kind);
        // PyTorch 1.13 keeps uint8 for uint8 input (its legacy mask type); every other dtype gives Bool.
        return definition.Record(DType == DType.UInt8 ? ElementwiseInteger.Convert(r, DType.UInt8) : r, [this], new(reduced, keepDim));
    }

    // Traced only: a truth value has no gradient.
    private static readonly OpDefinition<ReductionArgs> AnyDefinition = new("Any") { Attributes = static a => a.ToAttributes() };
    private static readonly OpDefinition<ReductionArgs> AllDefinition = new("All") { Attributes = static a => a.ToAttributes() };
}
