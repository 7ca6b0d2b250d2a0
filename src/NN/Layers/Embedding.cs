namespace MiniTorch.NN;

/// <summary>
/// A lookup table of <see cref="NumEmbeddings"/> vectors of size <see cref="EmbeddingDim"/> (PyTorch's <c>nn.Embedding</c>).
/// The input holds Int64 (or Int32) indices, of any shape, as in PyTorch (float indices are refused); the output
/// adds a last dimension of size EmbeddingDim. Weights start as N(0, 1), with the padding row (if any) zero and frozen.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table and draws its weights from <paramref name="generator"/> (<see cref="Generator.Default"/> if null).</summary>
    /// <param name="numEmbeddings">The number of rows (valid indices are 0 to numEmbeddings − 1).</param>
    /// <param name="embeddingDim">The size of each vector.</param>
    /// <param name="paddingIdx">A row that stays zero and gets no gradient (e.g. for padding tokens); negative counts from the end.</param>
    /// <param name="dtype">The weights' dtype.</param>
    /// <param name="generator">Draws the initial weights.</param>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, DType dtype = DType.Float32, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numEmbeddings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        if (paddingIdx is int p && (p < -numEmbeddings || p >= numEmbeddings))
        {
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"Embedding: paddingIdx must be within [{-numEmbeddings}, {numEmbeddings - 1}] for {numEmbeddings} embeddings.");
        }
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx is int q && q < 0 ? q + numEmbeddings : paddingIdx;
        RegisterParameter("weight", new Parameter(Tensor.Zeros([numEmbeddings, embeddingDim], dtype)));
        ResetParameters(generator);
    }

    /// <summary>The number of rows.</summary>
    public int NumEmbeddings { get; }

    /// <summary>The size of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The padding row (non-negative), or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>The table, shape (num_embeddings, embedding_dim).</summary>
    public Parameter Weight => RequiredParameter("weight");

    /// <summary>Re-draws the weights from N(0, 1) and zeroes the padding row.</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.NormalInPlace(Weight, 0, 1, generator);
        if (PaddingIdx is int pad)
        {
            Init.ZerosInPlace(Weight.Select(0, pad));
        }
    }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        string module = Describe();
        if (input.DType is not (DType.Int64 or DType.Int32))
        {
            throw new ModuleInputException(module, $"Int64 indices in [0, {NumEmbeddings - 1}]", input.Shape, $"{module}: expected Int64 (or Int32) indices, got {input.DType.TorchName()} (PyTorch refuses float indices too); build them with Tensor.FromArray(long[]) or convert with .To(DType.Int64).");
        }
        if (Functional.IndexProblem(Functional.IndexValues("Embedding", "indices", input, allowInt32: true), input.Shape, NumEmbeddings) is { } problem)
        {
            throw new ModuleInputException(module, $"indices in [0, {NumEmbeddings - 1}]", input.Shape, $"{module}: {problem}");
        }
        return Functional.Embedding(input, Weight, PaddingIdx);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is int p ? $", padding_idx={p}" : "");
}
