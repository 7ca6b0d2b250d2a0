using MiniTorch.Kernels;

namespace MiniTorch;

// The fused multiply-add updates that optimizers are made of (PyTorch's add_ with alpha, addcmul_, addcdiv_).
// Outside a recorded graph, contiguous operands of this tensor's shape take one pass that allocates nothing;
// other layouts go through contiguous copies. Inside a recorded graph they are differentiable.
public partial class Tensor
{
    /// <summary>
    /// this += value·tensor1·tensor2, elementwise with broadcasting to this tensor's shape (PyTorch's
    /// <c>addcmul_(tensor1, tensor2, value=value)</c>); returns this.
    /// </summary>
    public Tensor AddcmulInPlace(Tensor tensor1, Tensor tensor2, double value = 1)
    {
        CheckFusedOperand("AddcmulInPlace", tensor1);
        CheckFusedOperand("AddcmulInPlace", tensor2);
        if (RecordsInPlace(tensor1, tensor2))
        {
            return RebaseHistory(HistoryAlias() + IsolatedFromSelf(tensor1) * value * IsolatedFromSelf(tensor2));
        }
        return FusedUpdate(FusedKind.Addcmul, tensor1, tensor2, value);
    }

    /// <summary>
    /// this += value·tensor1/tensor2, elementwise with broadcasting to this tensor's shape (PyTorch's
    /// <c>addcdiv_(tensor1, tensor2, value=value)</c>); returns this.
    /// </summary>
    public Tensor AddcdivInPlace(Tensor tensor1, Tensor tensor2, double value = 1)
    {
        CheckFusedOperand("AddcdivInPlace", tensor1);
        CheckFusedOperand("AddcdivInPlace", tensor2);
        if (RecordsInPlace(tensor1, tensor2))
        {
            return RebaseHistory(HistoryAlias() + IsolatedFromSelf(tensor1) * value / IsolatedFromSelf(tensor2));
        }
        return FusedUpdate(FusedKind.Addcdiv, tensor1, tensor2, value);
    }

    /// <summary>The checks every in-place op with a tensor operand makes, before anything is written.</summary>
    private void CheckFusedOperand(string op, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Elementwise.CheckSameDType(op, this, other);
        CheckInPlace(op, other);
        CheckBroadcastsTo(op, other);
    }

    /// <summary>Whether the in-place op must take its differentiable path: it is recorded in the graph (grad mode on and some operand requires grad), or carries tangents.</summary>
    private bool RecordsInPlace(Tensor a, Tensor b) =>
        (Autograd.IsGradEnabled && (RequiresGrad || a.RequiresGrad || b.RequiresGrad)) || InPlaceCarriesTangents(a, b);

    /// <summary>Whether <paramref name="other"/> can be read element for element alongside this tensor's own span.</summary>
    private bool CanFuseWith(Tensor other) =>
        IsContiguous && other.IsContiguous && Shapes.SameShape(_shape, other._shape) && !other.SharesStorageWith(this);

    /// <summary>
    /// Runs a fused update without recording. Contiguous operands of this shape are read in place; any other layout
    /// (strided, broadcast, or overlapping this tensor) is first made contiguous and the update runs on a copy that is
    /// written back, so every layout gets the same rounding and reads only old values.
    /// </summary>
    private Tensor FusedUpdate(FusedKind kind, Tensor a, Tensor? b, double value)
    {
        bool direct = CanFuseWith(a) && (b is null || CanFuseWith(b));
        var target = direct ? this : CloneRaw();
        var x = direct ? a : a.ExpandedContiguous(_shape);
        var y = b is null || direct ? b : b.ExpandedContiguous(_shape);
        if (DType == DType.Float32)
        {
            RunFused(kind, target.ContiguousSpan<float>(), x.ContiguousSpan<float>(), y is null ? default : y.ContiguousSpan<float>(), (float)value);
        }
        else
        {
            RunFused(kind, target.ContiguousSpan<double>(), x.ContiguousSpan<double>(), y is null ? default : y.ContiguousSpan<double>(), value);
        }
        if (!direct)
        {
            StridedCopy.Copy(target, this);
            target.Dispose();
            x.DisposeIfCopyOf(a);
            y?.DisposeIfCopyOf(b!);
        }
        Storage.Version++;
        return this;
    }

    private static void RunFused<T>(FusedKind kind, Span<T> d, ReadOnlySpan<T> a, ReadOnlySpan<T> b, T value)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case FusedKind.AddScaled:
                FusedInPlace.AddScaled(d, a, value);
                break;
            case FusedKind.Addcmul:
                FusedInPlace.Addcmul(d, a, b, value);
                break;
            default:
                FusedInPlace.Addcdiv(d, a, b, value);
                break;
        }
    }

    private enum FusedKind
    {
        AddScaled,
        Addcmul,
        Addcdiv,
    }

    /// <summary>
    /// An operand that a recorded op may save for backward: a copy if it views this tensor's storage, which the
    /// in-place write is about to overwrite (PyTorch keeps the original value for the same reason).
    /// </summary>
    private Tensor IsolatedFromSelf(Tensor other) => other.SharesStorageWith(this) ? other.Clone() : other;

}
