namespace MiniTorch;

public partial class Tensor
{
    /// <summary>A float32 tensor holding a copy of <paramref name="data"/>, of the given shape (1-D if omitted).</summary>
    public static Tensor FromArray(float[] data, int[]? shape = null, bool requiresGrad = false)
        => FromData(data, shape, requiresGrad);

    /// <summary>A float64 tensor holding a copy of <paramref name="data"/>, of the given shape (1-D if omitted).</summary>
    public static Tensor FromArray(double[] data, int[]? shape = null, bool requiresGrad = false)
        => FromData(data, shape, requiresGrad);

    /// <summary>
    /// An Int64 tensor holding a copy of <paramref name="data"/>, of the given shape (1-D if omitted). A collection
    /// expression of integer literals (<c>Tensor.FromArray([0, 2, 1])</c>) binds here, so it gives Int64 as
    /// <c>torch.tensor([0, 2, 1])</c> does; make Int32 with <c>To(DType.Int32)</c>.
    /// </summary>
    // Without the priority, C#'s better-conversion rule sends integer literals to the narrowest array they fit
    // (byte[], so UInt8), and a negative literal is ambiguous between long[] and Half[].
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public static Tensor FromArray(long[] data, int[]? shape = null) => FromData(data, shape, requiresGrad: false);

    /// <summary>A Bool tensor holding a copy of <paramref name="data"/>, of the given shape (1-D if omitted).</summary>
    public static Tensor FromArray(bool[] data, int[]? shape = null) => FromData(data, shape, requiresGrad: false);

    /// <summary>A UInt8 tensor holding a copy of <paramref name="data"/>, of the given shape (1-D if omitted).</summary>
    public static Tensor FromArray(byte[] data, int[]? shape = null) => FromData(data, shape, requiresGrad: false);

    /// <summary>A Float16 tensor holding a copy of <paramref name="data"/>, of the given shape (1-D if omitted).</summary>
    public static Tensor FromArray(Half[] data, int[]? shape = null) => FromData(data, shape, requiresGrad: false);

    /// <summary>A BFloat16 tensor holding a copy of <paramref name="data"/>, of the given shape (1-D if omitted).</summary>
    public static Tensor FromArray(BFloat16[] data, int[]? shape = null) => FromData(data, shape, requiresGrad: false);

    /// <summary>A 2-D float32 tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(float[,] data, bool requiresGrad = false)
        => FromData(Flatten(data), [data.GetLength(0), data.GetLength(1)], requiresGrad);

    /// <summary>A 2-D float64 tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(double[,] data, bool requiresGrad = false)
        => FromData(Flatten(data), [data.GetLength(0), data.GetLength(1)], requiresGrad);

    /// <summary>
    /// A 0-dimensional tensor holding one value (PyTorch's <c>torch.tensor(3.0)</c>); <paramref name="dtype"/> defaults
    /// to <see cref="GetDefaultDType"/> and may be any dtype (the value converted as <see cref="To(DType)"/> converts).
    /// </summary>
    public static Tensor Scalar(double value, DType? dtype = null, bool requiresGrad = false)
        => Full([], value, dtype, requiresGrad);

    private static Tensor FromData<T>(T[] data, int[]? shape, bool requiresGrad) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        shape = shape is null ? [data.Length] : CheckShape("FromArray", shape);
        if (Shapes.Numel(shape) != data.Length)
        {
            throw new ArgumentException($"FromArray: shape {Shapes.Format(shape)} holds {Shapes.Numel(shape)} elements but the data has {data.Length}.");
        }
        return new Tensor(new Storage<T>((T[])data.Clone()), shape) { RequiresGrad = requiresGrad };
    }

    private static T[] Flatten<T>(T[,] data)
    {
        var flat = new T[data.Length];
        int cols = data.GetLength(1);
        for (int i = 0; i < data.GetLength(0); i++)
        {
            for (int j = 0; j < cols; j++)
            {
                flat[i * cols + j] = data[i, j];
            }
        }
        return flat;
    }

    internal static int[] CheckShape(string op, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"{op}: negative dimension in shape {Shapes.Format(shape)}; every size must be >= 0.");
            }
        }
        return shape.AsSpan().ToArray();
    }

    /// <summary>
    /// A tensor filled with <paramref name="value"/> (PyTorch's <c>torch.full</c>). <paramref name="dtype"/> defaults to
    /// <see cref="GetDefaultDType"/> and may be any dtype: the value is converted as <see cref="To(DType)"/> converts
    /// (truncated toward zero for an integer dtype, <c>value != 0</c> for Bool).
    /// </summary>
    public static Tensor Full(int[] shape, double value, DType? dtype = null, bool requiresGrad = false)
    {
        var t = Empty(CheckShape("Full", shape), dtype ?? GetDefaultDType());
        t.FillRaw(value);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>A tensor of zeros, of any dtype (default <see cref="GetDefaultDType"/>).</summary>
    public static Tensor Zeros(int[] shape, DType? dtype = null, bool requiresGrad = false) => Full(shape, 0, dtype, requiresGrad);

    /// <summary>A tensor of zeros of the default dtype: <c>Tensor.Zeros(2, 3)</c>.</summary>
    public static Tensor Zeros(params int[] shape) => Full(shape, 0);

    /// <summary>A tensor of ones, of any dtype (default <see cref="GetDefaultDType"/>; Bool gives True).</summary>
    public static Tensor Ones(int[] shape, DType? dtype = null, bool requiresGrad = false) => Full(shape, 1, dtype, requiresGrad);

    /// <summary>A tensor of ones of the default dtype: <c>Tensor.Ones(2, 3)</c>.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1);

    /// <summary>Zeros with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like, bool requiresGrad = false) => Full(like._shape, 0, like.DType, requiresGrad);

    /// <summary>Ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like, bool requiresGrad = false) => Full(like._shape, 1, like.DType, requiresGrad);

    /// <summary>A constant with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor FullLike(Tensor like, double value, bool requiresGrad = false) => Full(like._shape, value, like.DType, requiresGrad);

    /// <summary>
    /// Values from <paramref name="start"/> up to (excluding) <paramref name="end"/> by <paramref name="step"/> (PyTorch's
    /// <c>torch.arange</c> with floating arguments): of <see cref="GetDefaultDType"/> unless <paramref name="dtype"/> says
    /// otherwise. Integer arguments bind to <see cref="Arange(int, int, int, DType?, bool)"/>, which gives Int64.
    /// </summary>
    public static Tensor Arange(double start, double end, double step = 1, DType? dtype = null, bool requiresGrad = false)
    {
        if (step == 0 || double.IsNaN(step) || !double.IsFinite(start) || !double.IsFinite(end))
        {
            throw new ArgumentException($"Arange: invalid range start={start}, end={end}, step={step}; start and end must be finite and step non-zero.");
        }
        if ((end - start) / step < 0)
        {
            throw new ArgumentException($"Arange: upper bound and larger bound inconsistent with step sign (start={start}, end={end}, step={step}).");
        }
        int n = (int)Math.Ceiling((end - start) / step);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = start + i * step;
        }
        return FromValues(values, [n], dtype ?? GetDefaultDType(), requiresGrad);
    }

    /// <summary>0, 1, … up to (excluding) <paramref name="end"/> as floats (PyTorch's <c>torch.arange(4.0)</c>): of <see cref="GetDefaultDType"/> unless <paramref name="dtype"/> says otherwise.</summary>
    public static Tensor Arange(double end, DType? dtype = null, bool requiresGrad = false) => Arange(0.0, end, 1.0, dtype, requiresGrad);

    /// <summary>0, 1, …, <paramref name="end"/> − 1 as Int64 unless <paramref name="dtype"/> says otherwise (PyTorch: <c>torch.arange(4)</c> is int64).</summary>
    public static Tensor Arange(int end, DType? dtype = null, bool requiresGrad = false) => Arange(0, end, 1, dtype, requiresGrad);

    /// <summary>
    /// <paramref name="start"/>, <paramref name="start"/> + <paramref name="step"/>, … up to (excluding) <paramref name="end"/>,
    /// as Int64 unless <paramref name="dtype"/> says otherwise (PyTorch: integer arguments give int64).
    /// </summary>
    public static Tensor Arange(int start, int end, int step = 1, DType? dtype = null, bool requiresGrad = false)
    {
        if (step == 0)
        {
            throw new ArgumentException($"Arange: step must be nonzero (start={start}, end={end}, step={step}).");
        }
        if ((long)end - start != 0 && Math.Sign((long)end - start) != Math.Sign(step))
        {
            throw new ArgumentException($"Arange: upper bound and larger bound inconsistent with step sign (start={start}, end={end}, step={step}).");
        }
        long span = (long)end - start;
        int n = (int)((span + step - Math.Sign(step)) / step);
        var values = new long[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = start + (long)i * step;
        }
        var t = Wrap(values, [n]);
        if (dtype is { } target && target != DType.Int64)
        {
            t = t.ToRaw(target);
        }
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary><paramref name="steps"/> evenly spaced values from <paramref name="start"/> to <paramref name="end"/> inclusive (PyTorch's <c>torch.linspace</c>).</summary>
    public static Tensor Linspace(double start, double end, int steps, DType? dtype = null, bool requiresGrad = false)
    {
        if (steps < 0)
        {
            throw new ArgumentException($"Linspace: number of steps must be non-negative, got {steps}.", nameof(steps));
        }
        var values = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // Fill from both ends, as PyTorch does, so the last value is exactly `end`.
        int half = steps / 2;
        for (int i = 0; i < steps; i++)
        {
            values[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        }
        return FromValues(values, [steps], dtype ?? GetDefaultDType(), requiresGrad);
    }

    /// <summary>An identity matrix of <paramref name="n"/> rows and <paramref name="m"/> (default n) columns, of any dtype (default <see cref="GetDefaultDType"/>).</summary>
    public static Tensor Eye(int n, int? m = null, DType? dtype = null, bool requiresGrad = false)
    {
        int cols = m ?? n;
        var t = Zeros([n, cols], dtype);
        for (int i = 0; i < Math.Min(n, cols); i++)
        {
            t.SetRaw(i * cols + i, 1);
        }
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>
    /// Uniform samples from [0, 1) (PyTorch's <c>torch.rand</c>), of <see cref="GetDefaultDType"/> unless
    /// <paramref name="dtype"/> says otherwise; a non-floating dtype throws, as in PyTorch (use <see cref="Randint(long, long, int[], DType, Generator?)"/>).
    /// Float16 and BFloat16 samples are drawn in float32 and rounded.
    /// </summary>
    public static Tensor Rand(int[] shape, DType? dtype = null, Generator? generator = null, bool requiresGrad = false)
    {
        var t = RandomFloating("Rand", "check_uniform_bounds", shape, dtype, generator ?? Generator.Default, normal: false);
        t.RequiresGrad = requiresGrad;
        RandDefinition.Record(t, [], t.ShapeArray);
        return t;
    }

    /// <summary>
    /// Standard normal samples (PyTorch's <c>torch.randn</c>), of <see cref="GetDefaultDType"/> unless
    /// <paramref name="dtype"/> says otherwise; a non-floating dtype throws, as in PyTorch.
    /// </summary>
    public static Tensor Randn(int[] shape, DType? dtype = null, Generator? generator = null, bool requiresGrad = false)
    {
        var t = RandomFloating("Randn", "normal_kernel_cpu", shape, dtype, generator ?? Generator.Default, normal: true);
        t.RequiresGrad = requiresGrad;
        RandnDefinition.Record(t, [], t.ShapeArray);
        return t;
    }

    private static Tensor RandomFloating(string op, string torchKernel, int[] shape, DType? dtype, Generator g, bool normal)
    {
        var target = dtype ?? GetDefaultDType();
        if (!target.IsFloatingPoint())
        {
            throw new NotSupportedException($"{op}: \"{torchKernel}\" not implemented for '{target.ScalarTypeName()}' (PyTorch's message): {op} draws floating-point samples; for {target} values use Tensor.Randint, or convert with To({target}).");
        }
        var t = Empty(CheckShape(op, shape), target == DType.Float64 ? DType.Float64 : DType.Float32);
        if (t.DType == DType.Float32)
        {
            if (normal)
            {
                g.FillNormal(t.ContiguousSpan<float>());
            }
            else
            {
                g.FillUniform(t.ContiguousSpan<float>());
            }
        }
        else if (normal)
        {
            g.FillNormal(t.ContiguousSpan<double>());
        }
        else
        {
            g.FillUniform(t.ContiguousSpan<double>());
        }
        return t.DType == target ? t : t.ToRaw(target);
    }

    /// <summary>
    /// Integers drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>) (PyTorch's <c>torch.randint</c>),
    /// Int64 unless <paramref name="dtype"/> says otherwise, deterministic for a given <paramref name="generator"/> state.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="low"/> is not below <paramref name="high"/>.</exception>
    public static Tensor Randint(long low, long high, int[] shape, DType dtype = DType.Int64, Generator? generator = null)
    {
        if (low >= high)
        {
            throw new ArgumentException($"Randint: random_ expects 'from' to be less than 'to', but got from={low} >= to={high} (PyTorch's message).");
        }
        _ = dtype.ElementSize();
        var t = Wrap(new long[Shapes.Numel(CheckShape("Randint", shape))], shape.AsSpan().ToArray());
        (generator ?? Generator.Default).FillIntegers(t.ContiguousSpan<long>(), low, high);
        var result = dtype == DType.Int64 ? t : t.ToRaw(dtype);
        RandintDefinition.Record(result, [], result.ShapeArray);
        return result;
    }

    /// <summary>Integers drawn uniformly from [0, <paramref name="high"/>) (PyTorch's <c>torch.randint(high, size)</c>), Int64 unless <paramref name="dtype"/> says otherwise.</summary>
    public static Tensor Randint(long high, int[] shape, DType dtype = DType.Int64, Generator? generator = null)
        => Randint(0, high, shape, dtype, generator);

    // Random tensors are traced as ops without inputs, so a trace can tell a random draw (Dropout in training, noise)
    // from a constant and refuse it, instead of freezing one sample into an exported graph.
    private static readonly OpDefinition<int[]> RandDefinition = RandomDefinition("Rand");
    private static readonly OpDefinition<int[]> RandnDefinition = RandomDefinition("Randn");
    private static readonly OpDefinition<int[]> RandintDefinition = RandomDefinition("Randint");

    private static OpDefinition<int[]> RandomDefinition(string name) => new(name) { Attributes = static shape => new OpAttributes { { "shape", shape } } };

    /// <summary>Uniform samples with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor RandLike(Tensor like, Generator? generator = null) => Rand(like._shape, like.DType, generator);

    /// <summary>Normal samples with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor RandnLike(Tensor like, Generator? generator = null) => Randn(like._shape, like.DType, generator);

    private static Tensor FromValues(double[] values, int[] shape, DType dtype, bool requiresGrad)
    {
        Tensor t;
        if (dtype == DType.Float32)
        {
            // An array of its own, not a pooled one (as Arange always made).
            var f = new float[values.Length];
            for (int i = 0; i < f.Length; i++)
            {
                f[i] = (float)values[i];
            }
            t = Wrap(f, shape);
        }
        else
        {
            t = Wrap(values, shape);
            t = dtype == DType.Float64 ? t : t.ToRaw(dtype);
        }
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>A contiguous copy with no history (what kernels read); returns this if already contiguous.</summary>
    internal Tensor ContiguousRaw()
    {
        if (IsContiguous)
        {
            return this;
        }
        var copy = Empty(_shape, DType);
        Kernels.StridedCopy.Copy(this, copy);
        return copy;
    }

    /// <summary>
    /// Returns this tensor's memory to the pool when it is a kernel's temporary copy of <paramref name="source"/> (what
    /// <see cref="ContiguousRaw"/> made), and does nothing when it is <paramref name="source"/> itself.
    /// </summary>
    internal void DisposeIfCopyOf(Tensor source)
    {
        if (!ReferenceEquals(this, source))
        {
            Dispose();
        }
    }

    /// <summary>
    /// <see cref="ContiguousRaw"/> of a view made only to be read once: when a copy is made the view is disposed, so the
    /// viewed storage's count drops back and it can return to the pool when its owner is disposed. The caller
    /// disposes the result (the copy, or the view itself) when done.
    /// </summary>
    internal Tensor ContiguousOfTemporaryView()
    {
        var c = ContiguousRaw();
        if (!ReferenceEquals(c, this))
        {
            Dispose();
        }
        return c;
    }

    /// <summary>
    /// This tensor broadcast to <paramref name="shape"/> and contiguous, for a kernel to read: this tensor itself, or a
    /// temporary (copy or view) that the caller releases with <see cref="DisposeIfCopyOf"/>(this) when done.
    /// </summary>
    internal Tensor ExpandedContiguous(int[] shape)
    {
        var expanded = ExpandRaw(shape);
        return ReferenceEquals(expanded, this) ? ContiguousRaw() : expanded.ContiguousOfTemporaryView();
    }

    /// <summary>A contiguous copy with its own storage and no history.</summary>
    internal Tensor CloneRaw()
    {
        var copy = Empty(_shape, DType);
        Kernels.StridedCopy.Copy(this, copy);
        return copy;
    }
}
