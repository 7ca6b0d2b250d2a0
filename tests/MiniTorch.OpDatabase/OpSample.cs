namespace MiniTorch.OpDatabase;

/// <summary>
/// One sample call of an op, as PyTorch's <c>SampleInput</c>: input descriptions, arguments, which inputs are
/// differentiable, and what the sample is used for. Built in the table files with <c>Sample(...)</c> and the fluent methods.
/// </summary>
public sealed class OpSample
{
    internal OpSample(InputSpec[] inputs) => Inputs = inputs;

    /// <summary>The input descriptions, in order.</summary>
    public IReadOnlyList<InputSpec> Inputs { get; }

    /// <summary>The number of tensors the inputs make.</summary>
    public int InputCount => Inputs.Sum(i => i.Count);

    /// <summary>The non-tensor arguments.</summary>
    public OpArgs Args { get; private set; } = OpArgs.None;

    /// <summary>Which inputs are differentiable; all when null.</summary>
    public bool[]? RequiresGrad { get; private set; }

    /// <summary>The golden case name in <c>ops.json</c> when PyTorch computed this sample, else null.</summary>
    public string? GoldenName { get; private set; }

    /// <summary>The absolute tolerance of the golden comparison when not the default (0 = relative only).</summary>
    public double? GoldenAtol { get; private set; }

    /// <summary>
    /// Why finite differences do not apply (a kink, a tie: the value of PyTorch's subgradient is checked against the
    /// golden data instead), or null when the gradient and JVP checks run on the sample.
    /// </summary>
    public string? NoFiniteDifferences { get; private set; }

    /// <summary>
    /// Whether and how the ONNX export test exports this sample: the first input becomes the graph input and the
    /// others are constants of the graph; <see cref="OnnxSampleMode.Batched"/> runs it at batch 1, 3 and 6.
    /// </summary>
    public OnnxSampleMode OnnxMode { get; private set; }

    /// <summary>A name for test output: the golden name, or the op's name and the input shapes.</summary>
    public string Describe(OpInfo op) => GoldenName ?? $"{op.Name}[{string.Join(", ", Inputs)}]{(Args.Count == 0 ? "" : " " + Args)}";

    /// <summary>Sets the arguments.</summary>
    public OpSample With(OpArgs args)
    {
        Args = args;
        return this;
    }

    /// <summary>Marks the sample as the golden case <paramref name="name"/> of <c>ops.json</c>.</summary>
    public OpSample Golden(string name, double? atol = null)
    {
        GoldenName = name;
        GoldenAtol = atol;
        return this;
    }

    /// <summary>Sets which inputs are differentiable.</summary>
    public OpSample Grad(params bool[] requiresGrad)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Keeps the sample out of the finite-difference checks, saying why.</summary>
    public OpSample Kink(string reason)
    {
        NoFiniteDifferences = reason;
        return this;
    }

    /// <summary>Uses the sample in the ONNX export test, the first input's first dim a dynamic batch dim.</summary>
    public OpSample Onnx()
    {
        OnnxMode = OnnxSampleMode.Batched;
        return this;
    }

    /// <summary>Uses the sample in the ONNX export test at its own shapes (its first dim is not free: an index, a matching batch).</summary>
    public OpSample OnnxFixed()
    {
        OnnxMode = OnnxSampleMode.FixedShapes;
        return this;
    }

    /// <summary>
    /// Fresh inputs of <paramref name="dtype"/> from a generator seeded with <paramref name="seed"/>, each requiring
    /// grad as <see cref="RequiresGrad"/> says (views stay views: a transposed leaf stays non-contiguous).
    /// </summary>
    public Tensor[] MakeInputs(long seed, DType dtype = DType.Float64, bool requiresGrad = true) =>
        Make(Inputs, new Generator(seed), dtype, requiresGrad);

    /// <summary>
    /// The first input alone, with its first dim set to <paramref name="batch"/> and values from a generator seeded
    /// with <paramref name="seed"/>: the graph input of the ONNX checks at each batch size.
    /// </summary>
    public Tensor MakeBatchedFirstInput(long seed, int batch, DType dtype) =>
        Make([Inputs[0].WithLeadingDim(batch)], new Generator(seed), dtype, requiresGrad: false)[0];

    private Tensor[] Make(IEnumerable<InputSpec> specs, Generator g, DType dtype, bool requiresGrad)
    {
        var tensors = specs.SelectMany(s => s.Make(g)).ToArray();
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = dtype == DType.Float64 ? tensors[i] : tensors[i].To(dtype);
            tensors[i] = t.SetRequiresGrad(requiresGrad && (RequiresGrad is null || RequiresGrad[i]));
        }
        return tensors;
    }
}

/// <summary>How the ONNX export test uses a sample.</summary>
public enum OnnxSampleMode
{
    /// <summary>Not exported.</summary>
    None,

    /// <summary>Exported with a dynamic batch dim (the first input's first dim), run at batch 1, 3 and 6.</summary>
    Batched,

    /// <summary>Exported and run at the sample's own shapes.</summary>
    FixedShapes,
}
