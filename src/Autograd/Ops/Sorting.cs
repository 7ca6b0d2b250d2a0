using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// The elements sorted along <paramref name="dim"/> and their Int64 positions in this tensor (PyTorch's <c>sort</c>).
    /// NaN sorts as larger than every number; equal elements keep their order, which is PyTorch 1.13's CPU behaviour
    /// with or without <paramref name="stable"/> (so the flag changes nothing here). The values are differentiable: the
    /// gradient goes back to the positions the indices name.
    /// </summary>
    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false, bool stable = false)
    {
        _ = stable; // every MiniTorch sort is stable
        int d = Shapes.NormalizeDim("Sort", dim, Rank);
        int size = Rank == 0 ? 1 : _shape[d];
        return Selected(SortDefinition, SortKernel.Order("Sort", this, d, size, descending), d, (d, descending));
    }

    private static readonly OpDefinition<(int Dim, bool Descending)> SortDefinition = SelectingDefinition<(int Dim, bool Descending)>(
        "Sort", "SortBackward", static a => a.Dim, static a => new OpAttributes { { "dim", a.Dim }, { "descending", a.Descending } });

    /// <summary>
    /// The <paramref name="k"/> largest (or, with <paramref name="largest"/> false, smallest) elements along
    /// <paramref name="dim"/> and their Int64 positions (PyTorch's <c>topk</c>); NaN counts as the largest value. The
    /// result is always in sorted order (PyTorch allows any order when <paramref name="sorted"/> is false); among equal
    /// elements the lower position comes first, where PyTorch's order among ties is unspecified. The values are
    /// differentiable through the indices.
    /// </summary>
    public (Tensor Values, Tensor Indices) TopK(int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        _ = sorted; // always sorted, which the unsorted form allows
        if (DType == DType.Bool)
        {
            // PyTorch's words: "topk_cpu" not implemented for 'Bool'.
            throw new NotSupportedException("TopK: \"topk_cpu\" not implemented for 'Bool' (as in PyTorch); convert with .To(DType.Int64) first.");
        }
        int d = Shapes.NormalizeDim("TopK", dim, Rank);
        int size = Rank == 0 ? 1 : _shape[d];
        if (k < 0 || k > size)
        {
            // PyTorch's words.
            throw new ArgumentOutOfRangeException(nameof(k), k, $"TopK: selected index k out of range: k = {k} for dimension {d} of size {size} (shape {Shapes.Format(_shape)}).");
        }
        return Selected(TopKDefinition, SortKernel.Order("TopK", this, d, k, descending: largest), d, (d, k, largest));
    }

    private static readonly OpDefinition<(int Dim, int K, bool Largest)> TopKDefinition = SelectingDefinition<(int Dim, int K, bool Largest)>(
        "TopK", "TopkBackward", static a => a.Dim, static a => new OpAttributes { { "dim", a.Dim }, { "k", a.K }, { "largest", a.Largest } });

    /// <summary>The values at <paramref name="indices"/> along <paramref name="dim"/>, recorded with the indices as the op's second output.</summary>
    private (Tensor Values, Tensor Indices) Selected<TArgs>(OpDefinition<TArgs> definition, Tensor indices, int dim, TArgs args)
    {
        Tensor values;
        using (Autograd.NoGradSynchronously())
        using (ForwardAD.SuspendIfActive()) // the tangent comes from the definition's rule
        {
            values = Rank == 0 ? Clone() : Gather(dim, indices);
        }
        values = values.Detach();
        definition.Record([values, indices], [this], args);
        return (values, indices);
    }

    // The gradient goes back to the selected positions (PyTorch's value_selecting_reduction_backward); the indices
    // (output 1) are saved, version-checked. A 0-d input passes its gradient through.
    private static OpDefinition<TArgs> SelectingDefinition<TArgs>(string name, string backwardName, Func<TArgs, int> dimOf, Func<TArgs, OpAttributes> attributes) => new(name, backwardName)
    {
        Differentiable = Operands.First,
        Saves = [Save.Output(1)],
        Backward = c => c.InputShape(0).Length == 0
            ? [c.Grad]
            : [Zeros(c.InputShape(0), c.Grad.DType).ScatterAdd(dimOf(c.Args), c.Output(1), c.Grad)],
        Jvp = c => c.Input(0).Rank == 0 ? c.Tangent(0) : c.Tangent(0)!.Gather(dimOf(c.Args), c.Output(1)),
        Attributes = attributes,
    };
}
