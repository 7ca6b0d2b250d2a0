namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// Elementwise choice: <paramref name="a"/> where <paramref name="condition"/> is non-zero, else <paramref name="b"/>,
    /// with all three broadcast together (PyTorch's <c>torch.where</c>). The condition is a mask and gets no gradient.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        Kernels.Elementwise.CheckSameDType("Where", a, b);
        var shape = Shapes.Broadcast("Where", Shapes.Broadcast("Where", condition._shape, a._shape), b._shape);
        var mask = condition.ExpandRaw(shape).RentDoubles();
        var r = Empty(shape, a.DType);
        if (a.DType == DType.Float32)
        {
            Select(mask, a.ExpandRaw(shape).ContiguousRaw().ContiguousSpan<float>(), b.ExpandRaw(shape).ContiguousRaw().ContiguousSpan<float>(), r.ContiguousSpan<float>());
        }
        else
        {
            Select(mask, a.ExpandRaw(shape).ContiguousRaw().ContiguousSpan<double>(), b.ExpandRaw(shape).ContiguousRaw().ContiguousSpan<double>(), r.ContiguousSpan<double>());
        }
        System.Buffers.ArrayPool<double>.Shared.Return(mask);
        return WhereDefinition.Record(r, [condition, a, b]);
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

    /// <summary><paramref name="a"/> where the condition holds, the constant <paramref name="b"/> elsewhere.</summary>
    public static Tensor Where(Tensor condition, Tensor a, double b) => Where(condition, a, a.ScalarLike(b));

    /// <summary>The constant <paramref name="a"/> where the condition holds, <paramref name="b"/> elsewhere.</summary>
    public static Tensor Where(Tensor condition, double a, Tensor b) => Where(condition, b.ScalarLike(a), b);

    /// <summary>This tensor with <paramref name="value"/> wherever <paramref name="mask"/> is non-zero (PyTorch's <c>masked_fill</c>).</summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        var r = Where(mask, ScalarLike(value), this);
        if (!Shapes.SameShape(r._shape, _shape))
        {
            throw new ArgumentException($"MaskedFill: the mask of shape {Shapes.Format(mask._shape)} must broadcast to the tensor's shape {Shapes.Format(_shape)}.");
        }
        return r;
    }

    private static void Select<T>(double[] mask, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> r)
    {
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = mask[i] != 0 ? a[i] : b[i];
        }
    }
}
