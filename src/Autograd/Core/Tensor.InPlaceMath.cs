using MiniTorch.Kernels;

namespace MiniTorch;

// Elementwise math written into the tensor itself (PyTorch's sqrt_, clamp_, and maximum with out=self).
public partial class Tensor
{
    /// <summary>Replaces every element by its square root (PyTorch's <c>sqrt_()</c>); returns this.</summary>
    public Tensor SqrtInPlace()
    {
        CheckInPlace("SqrtInPlace", null);
        if ((Autograd.IsGradEnabled && RequiresGrad) || InPlaceCarriesTangents(null))
        {
            // Sqrt saves its output, a fresh tensor, so the alias of the old value needs no copy.
            return RebaseHistory(HistoryAlias().Sqrt());
        }
        return UnaryInPlace(new UnaryOp(UnaryKind.Sqrt));
    }

    /// <summary>
    /// Clamps every element into [<paramref name="min"/>, <paramref name="max"/>]; a null bound is not applied
    /// (PyTorch's <c>clamp_()</c>). NaN elements stay NaN. Returns this.
    /// </summary>
    public Tensor ClampInPlace(double? min = null, double? max = null)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException("ClampInPlace: at least one of 'min' or 'max' must not be null.");
        }
        if ((min is double lo && double.IsNaN(lo)) || (max is double hi && double.IsNaN(hi)))
        {
            throw new ArgumentException($"ClampInPlace: bounds must not be NaN (min={min}, max={max}).");
        }
        CheckInPlace("ClampInPlace", null);
        if (!IsFloat(this))
        {
            // An integer tensor keeps integer bounds; a fractional bound makes a floating result, refused as PyTorch does.
            var clamped = Clamp(min, max);
            CheckCanCastInPlace("ClampInPlace", clamped.DType);
            StridedCopy.Copy(clamped, this);
            Storage.Version++;
            return this;
        }
        if ((Autograd.IsGradEnabled && RequiresGrad) || InPlaceCarriesTangents(null))
        {
            // Clamp saves its input for backward: give it a copy of the old value, not the overwritten alias.
            return RebaseHistory(HistoryAlias().Clone().Clamp(min, max));
        }
        return UnaryInPlace(new ClampOp(min ?? double.NaN, max ?? double.NaN));
    }

    /// <summary>
    /// this = max(this, other) elementwise with broadcasting to this tensor's shape; NaN in either operand
    /// gives NaN, as PyTorch's <c>torch.maximum(x, other, out=x)</c>. Returns this.
    /// </summary>
    public Tensor MaximumInPlace(Tensor other) =>
        BinaryInPlace("MaximumInPlace", other, new MaxOp(), static (a, b) => Maximum(a, b), SelfSaved.Always);

    private Tensor UnaryInPlace<TOp>(TOp op) where TOp : struct, IUnaryOp
    {
        if (IsContiguous)
        {
            if (DType == DType.Float32)
            {
                var span = ContiguousSpan<float>();
                op.Apply<float>(span, span);
            }
            else
            {
                var span = ContiguousSpan<double>();
                op.Apply<double>(span, span);
            }
            Storage.Version++;
            return this;
        }
        StridedCopy.Copy(Elementwise.Map(this, op), this);
        Storage.Version++;
        return this;
    }
}
