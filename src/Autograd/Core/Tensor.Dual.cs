namespace MiniTorch;

// Forward-mode AD state: a tensor carries at most one tangent, tagged with the level it belongs to (see ForwardAD).
public partial class Tensor
{
    // One reference, null unless the tensor is dual: every tensor pays 8 bytes for forward mode, not 16.
    private Dual? _dual;

    /// <summary>The level <see cref="TangentValue"/> belongs to; null for a tensor that is not dual.</summary>
    internal DualLevel? TangentLevel => _dual?.Level;

    /// <summary>The tangent (directional derivative) carried at <see cref="TangentLevel"/>.</summary>
    internal Tensor? TangentValue => _dual?.Tangent;

    /// <summary>Attaches <paramref name="tangent"/> at <paramref name="level"/>, or makes the tensor plain when either is null.</summary>
    internal void SetTangent(DualLevel? level, Tensor? tangent) => _dual = level is null || tangent is null ? null : new Dual(level, tangent);

    /// <summary>
    /// Whether an in-place op must take its differentiable path (the op out of place on the old value, then written
    /// back) because a forward AD level is active and this tensor or an operand carries a tangent; the new tangent then
    /// replaces the old one (and, for a view, the window of its base's tangent: see <see cref="TakeTangentOf"/>).
    /// </summary>
    private bool InPlaceCarriesTangents(Tensor? a, Tensor? b = null)
    {
        if (!ForwardAD.IsActive)
        {
            return false;
        }
        return ForwardAD.TangentOf(this) is not null
            || (ViewBase is not null && ForwardAD.TangentOf(ViewBase) is not null)
            || (a is not null && ForwardAD.TangentOf(a) is not null)
            || (b is not null && ForwardAD.TangentOf(b) is not null);
    }

    /// <summary>
    /// After an in-place op's differentiable path: this tensor's tangent becomes the computed value's (none if it has
    /// none). For a view, the base's tangent follows, as in PyTorch: a new base tangent is laid out like the base's
    /// storage (a copy of the old one, zeros if it had none) with the view's new tangent written into the view's
    /// elements, and the view's tangent is that window. Tangents are never mutated, so earlier readers keep theirs.
    /// </summary>
    private void TakeTangentOf(Tensor result)
    {
        var level = ForwardAD.CurrentLevel;
        var tangent = ForwardAD.TangentOf(result);
        if (ViewBase is not { } root)
        {
            SetTangent(level, tangent);
            return;
        }
        var rootTangent = ForwardAD.TangentOf(root);
        if (tangent is null && rootTangent is null)
        {
            SetTangent(null, null);
            return;
        }
        if (Autograd.IsGradEnabled && (tangent?.RequiresGrad == true || rootTangent?.RequiresGrad == true))
        {
            throw new NotSupportedException($"In-place operation on a view (shape {Shapes.Format(_shape)}) of a dual tensor whose tangent requires grad is not supported by MiniTorch's forward AD: the base's tangent is rebuilt without a graph. Use the out-of-place op.");
        }
        // Laid out like the base's storage, so the view's strides and offset address its elements in it too.
        var buffer = Zeros([Storage.Length], DType).Storage;
        var baseTangent = new Tensor(buffer, root._shape, root._strides, root.Offset);
        if (rootTangent is not null)
        {
            Kernels.StridedCopy.Copy(rootTangent.ExpandRaw(root._shape), baseTangent);
        }
        var window = new Tensor(buffer, _shape, _strides, Offset);
        if (tangent is not null)
        {
            Kernels.StridedCopy.Copy(tangent.ExpandRaw(_shape), window);
        }
        else
        {
            window.FillRaw(0);
        }
        root.SetTangent(level, baseTangent);
        SetTangent(level, window);
    }

    /// <summary>
    /// A tensor over the same elements (storage, shape, strides, offset) without a tangent, through which gradients flow
    /// unchanged (PyTorch's <c>alias</c>). It is not marked as a view: a dual tensor is the base of its own views, so an
    /// in-place op on it carries its tangent along, while an in-place op on a view of it is refused (see
    /// <see cref="InPlaceCarriesTangents"/>).
    /// </summary>
    internal Tensor AliasView() => AliasDefinition.Record(new Tensor(Storage, _shape, _strides, Offset), [this]);

    // Not traced and without a forward rule: the alias is how a tangent is put on (MakeDual) or taken off (Unpack).
    private static readonly OpDefinition<NoArgs> AliasDefinition = new(null, "AliasBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [c.Grad],
    };

    private sealed record Dual(DualLevel Level, Tensor Tangent);
}
