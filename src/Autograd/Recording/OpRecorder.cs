using System.Runtime.CompilerServices;

namespace MiniTorch;

/// <summary>
/// The one code path through which every built-in op records itself: the backward node when grad mode is on and a
/// differentiable operand requires grad, the output's tangent when forward AD is active and an operand carries one, and
/// the trace entry while a trace records. Each costs one thread-static check when inactive.
/// </summary>
internal static class OpRecorder
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Record<TArgs>(OpDefinition<TArgs> def, ReadOnlySpan<Tensor> outputs, ReadOnlySpan<Tensor?> operands, TArgs args)
    {
        // Integer and Bool outputs never carry history (PyTorch: only floating tensors can require grad).
        if (def.Differentiable != Operands.None && NeedsNode(def, operands) && outputs[0].DType.IsFloatingPoint())
        {
            Connect(def, outputs, operands, args);
        }
        if (def.Jvp is not null && ForwardAD.IsActive)
        {
            PropagateTangent(def, outputs, operands, args);
        }
        if (def.Name is not null && Tracing.IsActive)
        {
            Trace(def, outputs, operands, args);
        }
    }

    private static bool NeedsNode<TArgs>(OpDefinition<TArgs> def, ReadOnlySpan<Tensor?> operands)
    {
        // The operands' flags first: they are fields, grad mode a thread-static.
        for (int i = 0; i < operands.Length; i++)
        {
            if (operands[i] is { RequiresGrad: true } && def.IsDifferentiable(i))
            {
                return Autograd.IsGradEnabled;
            }
        }
        return false;
    }

    private static void Connect<TArgs>(OpDefinition<TArgs> def, ReadOnlySpan<Tensor> outputs, ReadOnlySpan<Tensor?> operands, TArgs args)
    {
        var output = outputs[0];
        if (def.Backward is null || def.BackwardName is null)
        {
            throw new InvalidOperationException($"{def}: the definition has differentiable operands but no Backward rule or backward name; this is a bug in the op's definition.");
        }
        var node = OpNode<TArgs>.Create(def, args);
        int count = 0;
        for (int i = 0; i < operands.Length; i++)
        {
            if (def.IsDifferentiable(i))
            {
                count++;
            }
        }
        var edges = new Edge[count];
        for (int i = 0, e = 0; i < operands.Length; i++)
        {
            if (def.IsDifferentiable(i))
            {
                edges[e++] = operands[i] is { } t ? Edge.To(t) : Edge.Constant(output.DType);
            }
        }
        var saves = def.Saves;
        var slots = node.Slots;
        for (int k = 0; k < saves.Length; k++)
        {
            var save = saves[k];
            if (save.OnlyIfRequiresGrad >= 0 && operands[save.OnlyIfRequiresGrad]?.RequiresGrad != true)
            {
                continue;
            }
            var tensor = save.IsOutput ? outputs[save.OutputIndex] : operands[save.Source];
            if (tensor is not null)
            {
                slots[k] = new SavedTensor(tensor);
            }
        }
        node.Edges = edges;
        output.SetHistory(node);
    }

    private static void PropagateTangent<TArgs>(OpDefinition<TArgs> def, ReadOnlySpan<Tensor> outputs, ReadOnlySpan<Tensor?> operands, TArgs args)
    {
        // Read before forward mode is suspended: a tangent belongs to the level that is current now.
        var inline = default(TangentBuffer);
        Span<Tensor?> tangents = operands.Length <= TangentBuffer.Length ? inline[..operands.Length] : new Tensor?[operands.Length];
        bool any = false;
        for (int i = 0; i < operands.Length; i++)
        {
            if (def.IsDifferentiable(i) && operands[i] is { } t && ForwardAD.TangentOf(t) is { } tangent)
            {
                tangents[i] = tangent;
                any = true;
            }
        }
        if (!any)
        {
            return;
        }
        using var scope = ForwardAD.Suspend();
        if (def.Jvp!(new JvpCall<TArgs>(outputs, operands, tangents, args)) is { } result)
        {
            scope.SetTangent(outputs[0], result);
        }
    }

    private static void Trace<TArgs>(OpDefinition<TArgs> def, ReadOnlySpan<Tensor> outputs, ReadOnlySpan<Tensor?> operands, TArgs args)
    {
        var inputs = operands.ToArray();
        if (def.TracedScalar is { } scalar)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] ??= Tensor.Full([], scalar(args), outputs[0].DType);
            }
        }
        Tracing.Report(def.Name!, outputs.ToArray(), inputs, def.Attributes?.Invoke(args) ?? OpAttributes.None);
    }

    [InlineArray(Length)]
    private struct TangentBuffer
    {
        public const int Length = 4;
        private Tensor? _element;
    }
}
