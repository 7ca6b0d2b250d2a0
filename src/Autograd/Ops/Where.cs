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
        if (Node.IsNeeded(a, b))
        {
            new WhereBackward(condition).Connect(r, a, b);
        }
        if (ForwardAD.IsActive)
        {
            WhereBackward.Jvp(r, condition, a, b);
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("Where", [r], [condition, a, b]);
        }
        return r;
    }

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

internal sealed class WhereBackward : Node
{
    private readonly Tensor _condition;

    // The condition is a mask with no history; holding it (not a SavedTensor) matches PyTorch, which keeps it too.
    public WhereBackward(Tensor condition) => _condition = condition;

    /// <summary>The tangent picks like the value: a's tangent where the condition holds, b's elsewhere (zero where one has none).</summary>
    internal static void Jvp(Tensor r, Tensor condition, Tensor a, Tensor b)
    {
        var ta = ForwardAD.TangentOf(a);
        var tb = ForwardAD.TangentOf(b);
        if (ta is null && tb is null)
        {
            return;
        }
        using var jvp = ForwardAD.Suspend();
        jvp.SetTangent(r, ta is null ? Tensor.Where(condition, 0, tb!) : tb is null ? Tensor.Where(condition, ta, 0) : Tensor.Where(condition, ta, tb));
    }

    public override string Name => "WhereBackward";

    internal override Tensor?[] Apply(Tensor g) =>
    [
        NeedsInputGrad(0) ? Tensor.Where(_condition, g, 0).SumToShape(Edges[0].Shape) : null,
        NeedsInputGrad(1) ? Tensor.Where(_condition, 0, g).SumToShape(Edges[1].Shape) : null,
    ];
}
