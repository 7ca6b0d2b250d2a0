namespace MiniTorch;

// Type promotion exactly as torch.result_type (c10/core/ScalarType.h promoteTypes and ATen's ResultTypeState):
// categories bool < integer < floating; within a category a tensor with dimensions beats a 0-dim tensor, which beats a
// C# scalar; a floating C# scalar stands for the default floating dtype.
public partial class Tensor
{
    /// <summary>
    /// The dtype a binary op of <paramref name="a"/> and <paramref name="b"/> computes in, as <c>torch.result_type</c>:
    /// the higher category (bool &lt; integer &lt; floating) wins, and within the winning category a tensor with
    /// dimensions wins over a 0-dim tensor. <c>Int64 + Float32 → Float32</c>, <c>Float32[3] + Float64[] → Float32</c>,
    /// <c>Int32[3] + Int64[] → Int32</c>, <c>UInt8 + Int32 → Int32</c>, <c>Float16 + BFloat16 → Float32</c>.
    /// </summary>
    public static DType ResultType(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.DType == b.DType)
        {
            return a.DType;
        }
        var state = default(PromotionState);
        state.Add(a);
        state.Add(b);
        return state.Result;
    }

    /// <summary>
    /// The dtype of <paramref name="a"/> combined with a floating C# scalar, as <c>torch.result_type(a, 2.5)</c>: the
    /// tensor's dtype when it is floating, else the default floating dtype (<see cref="GetDefaultDType"/>).
    /// </summary>
    public static DType ResultType(Tensor a, double scalar)
    {
        ArgumentNullException.ThrowIfNull(a);
        var state = default(PromotionState);
        state.Add(a);
        state.AddScalar(GetDefaultDType());
        return state.Result;
    }

    /// <summary>
    /// The dtype of <paramref name="a"/> combined with an integer C# scalar, as <c>torch.result_type(a, 2)</c>: the
    /// tensor's dtype when it is integer or floating (<c>Int32 + 2 → Int32</c>), Int64 for a Bool tensor.
    /// </summary>
    public static DType ResultType(Tensor a, long scalar)
    {
        ArgumentNullException.ThrowIfNull(a);
        var state = default(PromotionState);
        state.Add(a);
        state.AddScalar(DType.Int64);
        return state.Result;
    }

    /// <summary>The dtype of <paramref name="a"/> combined with a bool C# scalar, as <c>torch.result_type(a, True)</c>: always the tensor's dtype.</summary>
    public static DType ResultType(Tensor a, bool scalar)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a.DType;
    }

    /// <summary>
    /// Whether a value of <paramref name="from"/> may be written into a tensor of <paramref name="to"/> by an in-place
    /// op, as PyTorch's <c>can_cast</c>: not floating into integer or bool, not a number into bool.
    /// </summary>
    public static bool CanCast(DType from, DType to) =>
        !(from.IsFloatingPoint() && !to.IsFloatingPoint()) && !(from != DType.Bool && to == DType.Bool);

    /// <summary>PyTorch's <c>promoteTypes</c>: the smallest dtype both convert to, ignoring dimensions.</summary>
    public static DType PromoteTypes(DType a, DType b)
    {
        if (a == b)
        {
            return a;
        }
        if (a == DType.Bool)
        {
            return b;
        }
        if (b == DType.Bool)
        {
            return a;
        }
        bool af = a.IsFloatingPoint();
        bool bf = b.IsFloatingPoint();
        if (af != bf)
        {
            return af ? a : b;
        }
        if (af)
        {
            // Float16 and BFloat16 have no common 16-bit type: both widen to Float32.
            return a == DType.Float64 || b == DType.Float64 ? DType.Float64 : DType.Float32;
        }
        // The integers here (UInt8, Int32, Int64) nest: the wider holds the narrower, as PyTorch's table has it.
        return a.ElementSize() >= b.ElementSize() ? a : b;
    }

    /// <summary>The result dtype of several tensors taken together (Cat, Stack), as <c>torch.result_type</c> folds them.</summary>
    internal static DType ResultType(IReadOnlyList<Tensor> tensors)
    {
        var first = tensors[0].DType;
        bool same = true;
        for (int i = 1; i < tensors.Count && same; i++)
        {
            same = tensors[i].DType == first;
        }
        if (same)
        {
            return first;
        }
        var state = default(PromotionState);
        for (int i = 0; i < tensors.Count; i++)
        {
            state.Add(tensors[i]);
        }
        return state.Result;
    }

    /// <summary>Refuses an in-place op whose result type cannot be written back, with PyTorch's message.</summary>
    internal void CheckCanCastInPlace(string op, DType result)
    {
        if (!CanCast(result, DType))
        {
            throw new InvalidOperationException($"{op}: result type {result.ScalarTypeName()} can't be cast to the desired output type {DType.ScalarTypeName()} (PyTorch: \"result type {result.ScalarTypeName()} can't be cast to the desired output type {DType.ScalarTypeName()}\").");
        }
    }

    /// <summary>This tensor converted to <paramref name="dtype"/> (differentiable), or itself when it already has it.</summary>
    internal Tensor PromotedTo(DType dtype) => DType == dtype ? this : To(dtype);

    /// <summary>A 0-d tensor of <paramref name="dtype"/> holding <paramref name="value"/>, converted as PyTorch converts a scalar.</summary>
    internal static Tensor ScalarTensor(double value, DType dtype) => dtype switch
    {
        DType.Float32 => Wrap(new[] { (float)value }, []),
        DType.Float64 => Wrap(new[] { value }, []),
        DType.Int64 => Wrap(new[] { (long)value }, []),
        DType.Int32 => Wrap(new[] { (int)value }, []),
        DType.UInt8 => Wrap(new[] { unchecked((byte)(long)value) }, []),
        DType.Bool => Wrap(new[] { value != 0 }, []),
        DType.Float16 => Wrap(new[] { (Half)(float)value }, []),
        _ => Wrap(new[] { (BFloat16)(float)value }, []),
    };

    /// <summary>A 0-d tensor of <paramref name="dtype"/> holding <paramref name="value"/>, integers wrapping as in PyTorch.</summary>
    internal static Tensor ScalarTensor(long value, DType dtype) => dtype switch
    {
        DType.Int64 => Wrap(new[] { value }, []),
        DType.Int32 => Wrap(new[] { unchecked((int)value) }, []),
        DType.UInt8 => Wrap(new[] { unchecked((byte)value) }, []),
        DType.Bool => Wrap(new[] { value != 0 }, []),
        _ => ScalarTensor((double)value, dtype),
    };

    /// <summary>The three slots of ATen's ResultTypeState: dimensioned tensors, 0-dim tensors, and wrapped C# scalars.</summary>
    private struct PromotionState
    {
        private DType? _dim;
        private DType? _zeroDim;
        private DType? _wrapped;

        public void Add(Tensor t)
        {
            if (t.Rank > 0)
            {
                _dim = Promote(_dim, t.DType);
            }
            else
            {
                _zeroDim = Promote(_zeroDim, t.DType);
            }
        }

        public void AddScalar(DType dtype) => _wrapped = Promote(_wrapped, dtype);

        public readonly DType Result => Combine(_dim, Combine(_zeroDim, _wrapped))!.Value;

        private static DType Promote(DType? current, DType dtype) => current is { } c ? PromoteTypes(c, dtype) : dtype;

        // ATen's combine_categories: the higher-priority slot wins unless the lower one is of a higher category.
        private static DType? Combine(DType? higher, DType? lower)
        {
            if (higher is not { } h)
            {
                return lower;
            }
            if (lower is not { } l)
            {
                return h;
            }
            if (h.IsFloatingPoint())
            {
                return h;
            }
            if (h == DType.Bool || l.IsFloatingPoint())
            {
                return PromoteTypes(h, l);
            }
            return h;
        }
    }
}
