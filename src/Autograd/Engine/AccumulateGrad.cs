namespace MiniTorch;

/// <summary>The node at a leaf that requires grad: adds the incoming gradient into the leaf's <see cref="Tensor.Grad"/>.</summary>
internal sealed class AccumulateGrad : Node
{
    public AccumulateGrad(Tensor leaf) => Leaf = leaf;

    public Tensor Leaf { get; }

    public override string Name => "AccumulateGrad";

    // The gradient is copied, added or taken (then marked exposed, see GradientHandoff); hooks see only exposed ones.
    internal override bool KeepsNoGradient => true;

    /// <summary>Called with the leaf after its gradient was accumulated (see <see cref="Tensor.RegisterPostAccumulateGradHook"/>).</summary>
    internal List<Action<Tensor>>? PostAccumulateHooks;

    internal override Tensor?[] Apply(Tensor gradOutput)
    {
        // A hook could keep the gradient or change the leaf's in place while the pass still reads it: copy then.
        bool mayTake = PreHooks is not { Count: > 0 } && PostAccumulateHooks is not { Count: > 0 };
        Accumulate(Leaf, gradOutput, mayTake);
        if (PostAccumulateHooks is { Count: > 0 } hooks)
        {
            foreach (var hook in hooks.ToArray())
            {
                hook(Leaf);
            }
        }
        return [];
    }

    /// <summary>
    /// Adds <paramref name="grad"/> into <paramref name="target"/>.Grad as PyTorch does: the first gradient is
    /// copied (so no two tensors share a gradient buffer) unless <paramref name="mayTake"/> and
    /// <see cref="GradientHandoff.TryTake"/> prove nothing else holds it, later ones are added in place, unless a graph of the
    /// derivative is being recorded, in which case the sum is a new tensor that carries that graph.
    /// </summary>
    public static void Accumulate(Tensor target, Tensor grad, bool mayTake = false)
    {
        var existing = target.GradWithoutWarning;
        if (ForwardAD.IsActive && (ForwardAD.TangentOf(grad) is not null || (existing is not null && ForwardAD.TangentOf(existing) is not null)))
        {
            // A dual gradient (forward-over-reverse): the raw copy and in-place add below would drop its tangent.
            target.Grad = existing is null ? grad.Clone() : existing + grad;
            return;
        }
        if (existing is null)
        {
            if (Autograd.IsGradEnabled && grad.RequiresGrad)
            {
                target.Grad = grad; // it carries the graph of the derivative: shared with the pass
            }
            else
            {
                // Taken (nothing else holds it) or a new copy: the leaf is its only holder.
                target.SetPrivateGrad((mayTake ? GradientHandoff.TryTake(grad) : null) ?? grad.CloneRaw());
            }
        }
        else if (!Autograd.IsGradEnabled && !existing.RequiresGrad)
        {
            existing.AccumulateRaw(grad);
        }
        else
        {
            target.Grad = existing + grad;
        }
    }
}
