namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// Elementwise choice: <paramref name="a"/> where <paramref name="condition"/> is true, else <paramref name="b"/>,
    /// with all three broadcast together and <paramref name="a"/>, <paramref name="b"/> promoted to their result type
    /// (PyTorch's <c>torch.where</c>). The condition must be a Bool tensor, as in PyTorch, and gets no gradient.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckBoolMask("Where", "condition", condition);
        var dtype = a.DType == b.DType ? a.DType : ResultType(a, b);
        a = a.PromotedTo(dtype);
        b = b.PromotedTo(dtype);
        var shape = Shapes.Broadcast("Where", Shapes.Broadcast("Where", condition._shape, a._shape), b._shape);
        var mask = condition.ExpandedContiguous(shape);
        var r = Empty(shape, dtype);
        switch (dtype)
        {
            case DType.Float32: Select<float>(mask, a, b, r); break;
            case DType.Float64: Select<double>(mask, a, b, r); break;
            case DType.Int64: Select<long>(mask, a, b, r); break;
            case DType.Int32: Select<int>(mask, a, b, r); break;
            case DType.Bool: Select<bool>(mask, a, b, r); break;
            case DType.UInt8: Select<byte>(mask, a, b, r); break;
            case DType.Float16: Select<Half>(mask, a, b, r); break;
            default: Select<BFloat16>(mask, a, b, r); break;
        }
        mask.DisposeIfCopyOf(condition);
        return WhereDefinition.Record(r, [condition, a, b]);
    }

    /// <summary>Refuses a mask that is not Bool, with PyTorch's message (masks were float tensors of 0/1 before MiniTorch had Bool).</summary>
    internal static void CheckBoolMask(string op, string name, Tensor mask)
    {
        if (mask.DType != DType.Bool)
        {
            string torch = op == "Where"
                ? $"where expected condition to be a boolean tensor, but got a tensor with dtype {mask.DType.ScalarTypeName()}"
                : $"masked_fill_ only supports boolean masks, but got mask with dtype {mask.DType.TorchName()[6..]}";
            throw new ArgumentException($"{op}: expected {name} to be a boolean tensor, but got a tensor with dtype {mask.DType} (PyTorch: \"{torch}\"). Comparisons give Bool masks (x.Gt(0)); convert others with To(DType.Bool).");
        }
    }

    // The condition is a mask: traced and saved (version-checked, as PyTorch saves it), but given no gradient.
    private static readonly OpDefinition<NoArgs> WhereDefinition = new("Where", "WhereBackward")
    {
        Differentiable = Operands.Second | Operands.Third,
        Saves = [Save.Input(0)],
        Backward = static c =>
        [
            c.NeedsGrad(1) ? c.SumToInput(1, Where(c.Input(0), c.Grad, 0)) : null,
            c.NeedsGrad(2) ? c.SumToInput(2, Where(c.Input(0), 0, c.Grad)) : null,
        ],
        // The tangent picks like the value: a's tangent where the condition holds, b's elsewhere (zero where one has none).
        Jvp = static c => (c.Tangent(1), c.Tangent(2)) switch
        {
            ({ } ta, null) => Where(c.Input(0), ta, 0),
            (null, { } tb) => Where(c.Input(0), 0, tb),
            var (ta, tb) => Where(c.Input(0), ta!, tb!),
        },
    };

    /// <summary><paramref name="a"/> where the condition holds, the floating constant <paramref name="b"/> elsewhere (promoted as <see cref="ResultType(Tensor, double)"/>).</summary>
    public static Tensor Where(Tensor condition, Tensor a, double b) => Where(condition, a, ScalarTensor(b, ResultType(a, b)));

    /// <summary><paramref name="a"/> where the condition holds, the integer constant <paramref name="b"/> elsewhere (an integer tensor keeps its dtype).</summary>
    public static Tensor Where(Tensor condition, Tensor a, long b) => Where(condition, a, ScalarTensor(b, ResultType(a, b)));

    /// <summary>The floating constant <paramref name="a"/> where the condition holds, <paramref name="b"/> elsewhere.</summary>
    public static Tensor Where(Tensor condition, double a, Tensor b) => Where(condition, ScalarTensor(a, ResultType(b, a)), b);

    /// <summary>The integer constant <paramref name="a"/> where the condition holds, <paramref name="b"/> elsewhere.</summary>
    public static Tensor Where(Tensor condition, long a, Tensor b) => Where(condition, ScalarTensor(a, ResultType(b, a)), b);

    /// <summary>
    /// This tensor with <paramref name="value"/> (converted to this tensor's dtype) wherever the Bool <paramref name="mask"/>
    /// is true (PyTorch's <c>masked_fill</c>, which also requires a Bool mask).
    /// </summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        CheckBoolMask("MaskedFill", "mask", mask);
        var r = Where(mask, ScalarTensor(value, DType), this);
        if (!Shapes.SameShape(r._shape, _shape))
        {
            throw new ArgumentException($"MaskedFill: the mask of shape {Shapes.Format(mask._shape)} must broadcast to the tensor's shape {Shapes.Format(_shape)}.");
        }
        return r;
    }

    private static void Select<T>(Tensor mask, Tensor a, Tensor b, Tensor r) where T : unmanaged
    {
        int[] shape = r.ShapeArray;
        ReadOnlySpan<bool> m = mask.ContiguousSpan<bool>();
        var ae = a.ExpandedContiguous(shape);
        var be = b.ExpandedContiguous(shape);
        ReadOnlySpan<T> x = ae.ContiguousSpan<T>();
        ReadOnlySpan<T> y = be.ContiguousSpan<T>();
        Span<T> d = r.ContiguousSpan<T>();
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = m[i] ? x[i] : y[i];
        }
        ae.DisposeIfCopyOf(a);
        be.DisposeIfCopyOf(b);
    }
}
