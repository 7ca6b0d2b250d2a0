using MiniTorch.Kernels;

namespace MiniTorch;

// The fused multiply-add updates that optimizers are made of (PyTorch's addcmul_ and addcdiv_). Outside a
// recorded graph, contiguous operands of this tensor's shape take one pass that allocates nothing; other
// layouts compute the result out of place and copy it in. Inside a recorded graph they are differentiable.
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
        if (CanFuseWith(tensor1) && CanFuseWith(tensor2))
        {
            if (DType == DType.Float32)
            {
                FusedInPlace.Addcmul(ContiguousSpan<float>(), tensor1.ContiguousSpan<float>(), tensor2.ContiguousSpan<float>(), (float)value);
            }
            else
            {
                FusedInPlace.Addcmul(ContiguousSpan<double>(), tensor1.ContiguousSpan<double>(), tensor2.ContiguousSpan<double>(), value);
            }
            Storage.Version++;
            return this;
        }
        return WriteResult(this + tensor1 * value * tensor2);
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
        if (CanFuseWith(tensor1) && CanFuseWith(tensor2))
        {
            if (DType == DType.Float32)
            {
                FusedInPlace.Addcdiv(ContiguousSpan<float>(), tensor1.ContiguousSpan<float>(), tensor2.ContiguousSpan<float>(), (float)value);
            }
            else
            {
                FusedInPlace.Addcdiv(ContiguousSpan<double>(), tensor1.ContiguousSpan<double>(), tensor2.ContiguousSpan<double>(), value);
            }
            Storage.Version++;
            return this;
        }
        return WriteResult(this + tensor1 * value / tensor2);
    }

    /// <summary>The checks every in-place op with a tensor operand makes, before anything is written.</summary>
    private void CheckFusedOperand(string op, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Elementwise.CheckSameDType(op, this, other);
        CheckInPlace(op, other);
        CheckBroadcastsTo(op, other);
    }

    /// <summary>Whether the in-place op must be recorded in the graph (grad mode on and some operand requires grad).</summary>
    private bool RecordsInPlace(Tensor a, Tensor b) => Autograd.IsGradEnabled && (RequiresGrad || a.RequiresGrad || b.RequiresGrad);

    /// <summary>Whether <paramref name="other"/> can be read element for element alongside this tensor's own span.</summary>
    private bool CanFuseWith(Tensor other) =>
        IsContiguous && other.IsContiguous && Shapes.SameShape(_shape, other._shape) && !other.SharesStorageWith(this);

    /// <summary>
    /// An operand that a recorded op may save for backward: a copy if it views this tensor's storage, which the
    /// in-place write is about to overwrite (PyTorch keeps the original value for the same reason).
    /// </summary>
    private Tensor IsolatedFromSelf(Tensor other) => other.SharesStorageWith(this) ? other.Clone() : other;

    /// <summary>Copies an out-of-place result (this tensor's shape, no history) into this tensor and bumps the version.</summary>
    private Tensor WriteResult(Tensor result)
    {
        StridedCopy.Copy(result, this);
        Storage.Version++;
        return this;
    }
}
