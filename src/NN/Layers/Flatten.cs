namespace MiniTorch.NN;

/// <summary>
/// Flattens dims <see cref="StartDim"/>..<see cref="EndDim"/> into one (PyTorch's <c>nn.Flatten</c>); by default
/// every dim but the batch dim, turning (N, C, H, W) into (N, C·H·W) for a following Linear.
/// </summary>
public sealed class Flatten : Module
{
    /// <summary>Creates the layer.</summary>
    public Flatten(int startDim = 1, int endDim = -1)
    {
        StartDim = startDim;
        EndDim = endDim;
    }

    /// <summary>The first dimension flattened.</summary>
    public int StartDim { get; }

    /// <summary>The last dimension flattened.</summary>
    public int EndDim { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        int rank = Math.Max(input.Rank, 1);
        int start = StartDim < 0 ? StartDim + rank : StartDim;
        int end = EndDim < 0 ? EndDim + rank : EndDim;
        if (start < 0 || start >= rank)
        {
            throw DimensionError(input, StartDim);
        }
        if (end < 0 || end >= rank)
        {
            throw DimensionError(input, EndDim);
        }
        if (start > end)
        {
            throw InputError(input, $"a rank where StartDim={StartDim} comes no later than EndDim={EndDim}", $"For rank {input.Rank} they are dims {start} and {end}.");
        }
        return input.Flatten(StartDim, EndDim);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}

/// <summary>Returns its input unchanged (PyTorch's <c>nn.Identity</c>); useful to remove a layer, e.g. a classifier head.</summary>
public sealed class Identity : Module
{
    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => input;
}
