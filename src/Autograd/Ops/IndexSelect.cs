namespace MiniTorch;

public partial class Tensor
{
    /// <summary>The slices at <paramref name="index"/> (a 1-D tensor of whole numbers) along <paramref name="dim"/>, as a new tensor (PyTorch's <c>index_select</c>).</summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        int d = Shapes.NormalizeDim("IndexSelect", dim, Rank);
        return GatherAs("IndexSelect", d, SpreadIndex("IndexSelect", d, index));
    }

    /// <summary>The slices at the given positions along <paramref name="dim"/>.</summary>
    public Tensor IndexSelect(int dim, params int[] index) => IndexSelect(dim, IndexTensor(index));

    /// <summary>A copy of this tensor with <paramref name="source"/>'s slices added at <paramref name="index"/> along <paramref name="dim"/> (PyTorch's out-of-place <c>index_add</c>).</summary>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        int d = Shapes.NormalizeDim("IndexAdd", dim, Rank);
        var spread = SpreadIndex("IndexAdd", d, index);
        if (!Shapes.SameShape(source._shape, spread._shape))
        {
            throw new ArgumentException($"IndexAdd: source shape {Shapes.Format(source._shape)} must be {Shapes.Format(spread._shape)} for input {Shapes.Format(_shape)} with {index.Numel} indices along dim {d}.");
        }
        return ScatterAddAs("IndexAdd", d, spread, source);
    }

    /// <summary>A float tensor of whole-number indices, the form index arguments take.</summary>
    public static Tensor IndexTensor(params int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Wrap(Array.ConvertAll(indices, i => (float)i), [indices.Length]);
    }

    /// <summary>A 1-D index along <paramref name="dim"/> broadcast to an index of this tensor's rank, as Gather/ScatterAdd take.</summary>
    private Tensor SpreadIndex(string op, int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Rank > 1)
        {
            throw new ArgumentException($"{op}: index must be a 1-D tensor (or a scalar), got shape {Shapes.Format(index._shape)}.");
        }
        if (Rank == 0)
        {
            if (index.Numel != 1)
            {
                throw new ArgumentException($"{op}: an index into a 0-d tensor can have only 1 value, got {index.Numel} (index shape {Shapes.Format(index._shape)}).");
            }
            return index.Reshape();
        }
        var viewShape = new int[Rank];
        Array.Fill(viewShape, 1);
        viewShape[dim] = index.Numel;
        var target = (int[])_shape.Clone();
        target[dim] = index.Numel;
        return index.Detach().Reshape(viewShape).Expand(target);
    }
}
