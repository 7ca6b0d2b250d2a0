using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MiniTorch;

/// <summary>
/// The backward node of every built-in op: its definition, its arguments and the tensors it saved, held inline (no
/// array per node) in a slot struct sized to the definition's <see cref="OpDefinition{TArgs}.Saves"/>. Saved tensors are
/// version-checked when read and released by <see cref="ReleaseSavedTensors"/> after the node runs.
/// </summary>
internal abstract class OpNode<TArgs> : Node
{
    protected OpNode(OpDefinition<TArgs> definition) => Definition = definition;

    public OpDefinition<TArgs> Definition { get; }

    /// <summary>The op's non-tensor arguments.</summary>
    public abstract TArgs Args { get; }

    public override string Name => Definition.BackwardName!;

    /// <summary>The saved tensors, one slot per entry of the definition's <see cref="OpDefinition{TArgs}.Saves"/>.</summary>
    internal abstract Span<SavedTensor> Slots { get; }

    public static OpNode<TArgs> Create(OpDefinition<TArgs> definition, TArgs args)
    {
        if (typeof(TArgs) == typeof(NoArgs))
        {
            // No field for the empty arguments: it would cost 8 bytes of padding on every node of the commonest ops.
            var definitionWithoutArgs = (OpDefinition<NoArgs>)(object)definition;
            return (OpNode<TArgs>)(object)(definition.Saves.Length switch
            {
                0 => new BareOpNode(definitionWithoutArgs),
                1 => new ArglessOpNode<SavedSlots1>(definitionWithoutArgs),
                2 => new ArglessOpNode<SavedSlots2>(definitionWithoutArgs),
                _ => (OpNode<NoArgs>)new ArglessOpNode<SavedSlots3>(definitionWithoutArgs),
            });
        }
        return definition.Saves.Length switch
        {
            0 => new UnsavingOpNode<TArgs>(definition, args),
            1 => new OpNode<TArgs, SavedSlots1>(definition, args),
            2 => new OpNode<TArgs, SavedSlots2>(definition, args),
            _ => new OpNode<TArgs, SavedSlots3>(definition, args),
        };
    }

    internal override Tensor?[] Apply(Tensor gradOutput) => Definition.Backward!(new BackwardCall<TArgs>(this, gradOutput));

    // The backward rules are static lambdas of the core: they return new tensors or views of the gradient and keep none.
    internal override bool KeepsNoGradient => true;

    internal override bool AccumulatesIntoInput => Definition.AccumulateInto is not null;

    internal override Tensor AccumulateIntoInput(Tensor gradOutput, Tensor? ownedSum) =>
        Definition.AccumulateInto!(new BackwardCall<TArgs>(this, gradOutput), ownedSum);

    internal override void ReleaseSavedTensors()
    {
        foreach (ref var slot in Slots)
        {
            slot.Release();
        }
    }

    /// <summary>The tensor saved from <paramref name="source"/>, version-checked.</summary>
    internal Tensor Unpack(int source, string what)
    {
        int slot = Definition.SlotOf(source);
        if (slot < 0)
        {
            throw new InvalidOperationException($"{Name}: the backward reads {what}, which its definition does not save; add it to Saves.");
        }
        return Slots[slot].Unpack(this);
    }
}

/// <summary>An <see cref="OpNode{TArgs}"/> with its saved tensors inline in <typeparamref name="TSlots"/>.</summary>
internal sealed class OpNode<TArgs, TSlots> : OpNode<TArgs>
    where TSlots : struct
{
    private readonly TArgs _args;
    private TSlots _slots;

    public OpNode(OpDefinition<TArgs> definition, TArgs args)
        : base(definition) => _args = args;

    public override TArgs Args => _args;

    internal override Span<SavedTensor> Slots => SlotSpan.Of(ref _slots);
}

/// <summary>An <see cref="OpNode{TArgs}"/> of an op without arguments.</summary>
internal sealed class ArglessOpNode<TSlots> : OpNode<NoArgs>
    where TSlots : struct
{
    private TSlots _slots;

    public ArglessOpNode(OpDefinition<NoArgs> definition)
        : base(definition)
    {
    }

    public override NoArgs Args => default;

    internal override Span<SavedTensor> Slots => SlotSpan.Of(ref _slots);
}

internal static class SlotSpan
{
    /// <summary>The saved tensors of a slot struct (an inline array of <see cref="SavedTensor"/>, or empty).</summary>
    public static Span<SavedTensor> Of<TSlots>(ref TSlots slots)
        where TSlots : struct =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<TSlots, SavedTensor>(ref slots), Unsafe.SizeOf<TSlots>() / Unsafe.SizeOf<SavedTensor>());
}

/// <summary>An <see cref="OpNode{TArgs}"/> that saves nothing (an empty slot struct would still take 8 bytes).</summary>
internal sealed class UnsavingOpNode<TArgs> : OpNode<TArgs>
{
    private readonly TArgs _args;

    public UnsavingOpNode(OpDefinition<TArgs> definition, TArgs args)
        : base(definition) => _args = args;

    public override TArgs Args => _args;

    internal override Span<SavedTensor> Slots => [];
}

/// <summary>An <see cref="OpNode{TArgs}"/> without arguments that saves nothing (Add, Sub, Neg).</summary>
internal sealed class BareOpNode : OpNode<NoArgs>
{
    public BareOpNode(OpDefinition<NoArgs> definition)
        : base(definition)
    {
    }

    public override NoArgs Args => default;

    internal override Span<SavedTensor> Slots => [];
}

[InlineArray(1)]
internal struct SavedSlots1
{
    private SavedTensor _element;
}

[InlineArray(2)]
internal struct SavedSlots2
{
    private SavedTensor _element;
}

[InlineArray(3)]
internal struct SavedSlots3
{
    private SavedTensor _element;
}
