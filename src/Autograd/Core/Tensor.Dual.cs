namespace MiniTorch;

// Forward-mode AD state: a tensor carries at most one tangent, tagged with the level it belongs to (see ForwardAD).
public partial class Tensor
{
    /// <summary>The level <see cref="TangentValue"/> belongs to; null for a tensor that is not dual.</summary>
    internal DualLevel? TangentLevel;

    /// <summary>The tangent (directional derivative) carried at <see cref="TangentLevel"/>.</summary>
    internal Tensor? TangentValue;

    /// <summary>A view of the whole tensor without its tangent, through which gradients flow unchanged (PyTorch's <c>alias</c>).</summary>
    internal Tensor AliasView(string backwardName)
    {
        var r = Alias(backwardName);
        // The view op may have carried this tensor's tangent over; an alias made to strip or replace it must not keep it.
        r.TangentLevel = null;
        r.TangentValue = null;
        return r;
    }
}
