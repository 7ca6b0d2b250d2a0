using MiniTorch.Kernels;

namespace MiniTorch;

// Clamp of integer and bool tensors: integer bounds keep the dtype, floating bounds promote to the default floating
// dtype, as torch.clamp's result type does.
public partial class Tensor
{
    /// <summary>
    /// Clamps every element into [<paramref name="min"/>, <paramref name="max"/>] with integer bounds; a null bound is not
    /// applied (an upper bound alone: <c>Clamp(null, 5)</c>). An integer tensor keeps its dtype (a Bool one becomes Int64); a floating one clamps as
    /// <see cref="Clamp(double?, double?)"/>.
    /// </summary>
    public Tensor Clamp(long? min, long? max = null)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException("Clamp: at least one of 'min' or 'max' must not be null.");
        }
        if (IsFloat(this) || DType.IsFloatingPoint())
        {
            return Clamp((double?)min, (double?)max);
        }
        var x = PromotedTo(ResultType(this, 0L));
        return ClampDefinition.Record(ElementwiseInteger.Map("Clamp", x, new IntClampOp(min, max)), [this], new(min, max));
    }

    /// <summary>Clamps an integer tensor in place with integer bounds (PyTorch's <c>clamp_()</c>); returns this.</summary>
    public Tensor ClampInPlace(long? min, long? max = null)
    {
        if (IsFloat(this))
        {
            return ClampInPlace((double?)min, (double?)max);
        }
        CheckInPlace("ClampInPlace", null);
        var clamped = Clamp(min, max);
        CheckCanCastInPlace("ClampInPlace", clamped.DType);
        StridedCopy.Copy(clamped, this);
        Storage.Version++;
        return this;
    }

    /// <summary>Floating bounds on an integer, bool or 16-bit tensor: computed in the promoted floating dtype.</summary>
    private Tensor ClampNonFloat(double? min, double? max)
    {
        var dtype = ResultType(this, 0.0);
        if ((uint)dtype > (uint)DType.Float64)
        {
            throw Elementwise.NotFloat("Clamp", DType);
        }
        return PromotedTo(dtype).Clamp(min, max);
    }
}
