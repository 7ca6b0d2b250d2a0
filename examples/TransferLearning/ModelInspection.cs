using System.Runtime.InteropServices;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace TransferLearning;

/// <summary>How many parameter elements a model trains and how many it keeps fixed.</summary>
public sealed record ParameterCounts(long Trainable, long Frozen);

/// <summary>The checks that show a backbone really stayed frozen.</summary>
public static class ModelInspection
{
    /// <summary>Counts parameter elements by whether they require grad.</summary>
    public static ParameterCounts Count(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long trainable = 0, frozen = 0;
        foreach (var p in model.Parameters())
        {
            if (p.RequiresGrad)
            {
                trainable += p.Numel;
            }
            else
            {
                frozen += p.Numel;
            }
        }
        return new ParameterCounts(trainable, frozen);
    }

    /// <summary>A copy of every state-dict entry (parameters and buffers, such as BatchNorm statistics) of <paramref name="model"/>.</summary>
    public static IReadOnlyDictionary<string, float[]> Snapshot(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var snapshot = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.StateDict())
        {
            snapshot[name] = tensor.ToFloatArray();
        }
        return snapshot;
    }

    /// <summary>
    /// The state-dict entries of <paramref name="model"/> whose bits differ from <paramref name="snapshot"/> (or that
    /// one of them lacks). Bits, not values: a frozen weight must not move even by a rounding error.
    /// </summary>
    public static IReadOnlyList<string> ChangedEntries(Module model, IReadOnlyDictionary<string, float[]> snapshot)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(snapshot);
        var changed = new List<string>();
        var state = model.StateDict();
        foreach (var (name, tensor) in state)
        {
            if (!snapshot.TryGetValue(name, out var before) || !SameBits(before, tensor.ToFloatArray()))
            {
                changed.Add(name);
            }
        }
        changed.AddRange(snapshot.Keys.Where(name => !state.ContainsKey(name)));
        return changed;
    }

    /// <summary>Whether the optimizer's groups hold exactly <paramref name="parameters"/>, the same tensor objects in the same order.</summary>
    public static bool HoldsExactly(Optimizer optimizer, IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(parameters);
        var held = optimizer.ParamGroups.SelectMany(g => g.Params).ToList();
        return held.Count == parameters.Count && held.Zip(parameters).All(pair => ReferenceEquals(pair.First, pair.Second));
    }

    private static bool SameBits(float[] a, float[] b) =>
        MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan()));
}
