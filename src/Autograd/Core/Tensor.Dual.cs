namespace MiniTorch;

// Forward-mode AD state: a tensor carries at most one tangent, tagged with the level it belongs to (see ForwardAD).
public partial class Tensor
{
    /// <summary>The level <see cref="TangentValue"/> belongs to; null for a tensor that is not dual.</summary>
    internal DualLevel? TangentLevel;

    /// <summary>The tangent (directional derivative) carried at <see cref="TangentLevel"/>.</summary>
    internal Tensor? TangentValue;

    /// <summary>
    /// Whether an in-place op must take its differentiable path (the op out of place on the old value, then written
    /// back) because a forward AD level is active and this tensor or an operand carries a tangent; the new tangent then
    /// replaces the old one. A view is refused: its base's tangent would not follow (PyTorch tracks views to do so).
    /// </summary>
    private bool InPlaceCarriesTangents(Tensor? a, Tensor? b = null)
    {
        if (!ForwardAD.IsActive)
        {
            return false;
        }
        bool any = ForwardAD.TangentOf(this) is not null
            || (a is not null && ForwardAD.TangentOf(a) is not null)
            || (b is not null && ForwardAD.TangentOf(b) is not null);
        if (any && ViewBase is not null)
        {
            throw new NotSupportedException($"In-place operation on a view (shape {Shapes.Format(_shape)}) with a dual tensor involved is not supported by MiniTorch's forward AD: the base's tangent would not be updated. Use the out-of-place op, or Clone() the view first.");
        }
        return any;
    }

    /// <summary>After an in-place op's differentiable path: this tensor's tangent becomes the computed value's (none if it has none).</summary>
    private void TakeTangentOf(Tensor result)
    {
        var tangent = ForwardAD.TangentOf(result);
        TangentLevel = tangent is null ? null : ForwardAD.CurrentLevel;
        TangentValue = tangent;
    }

    /// <summary>
    /// A tensor over the same elements (storage, shape, strides, offset) without a tangent, through which gradients flow
    /// unchanged (PyTorch's <c>alias</c>). It is not marked as a view: a dual tensor is the base of its own views, so an
    /// in-place op on it carries its tangent along, while an in-place op on a view of it is refused (see
    /// <see cref="InPlaceCarriesTangents"/>).
    /// </summary>
    internal Tensor AliasView(string backwardName)
    {
        var r = new Tensor(Storage, _shape, _strides, Offset);
        if (Node.IsNeeded(this))
        {
            new ScaleBackward(backwardName, 1).Connect(r, this);
        }
        return r;
    }
}
