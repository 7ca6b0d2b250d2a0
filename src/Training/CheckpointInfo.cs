namespace MiniTorch.Training;

/// <summary>What <see cref="Checkpoint.Load"/> returns besides the state it restores.</summary>
/// <param name="Epoch">The epoch passed to <see cref="Checkpoint.Save"/> (the last one completed, by convention).</param>
/// <param name="Metadata">The caller's own metadata passed to <see cref="Checkpoint.Save"/> (empty if none).</param>
/// <param name="HasScheduler">Whether the checkpoint holds a scheduler's state.</param>
/// <param name="HasGenerator">Whether the checkpoint holds a generator's state.</param>
public sealed record CheckpointInfo(int Epoch, IReadOnlyDictionary<string, string> Metadata, bool HasScheduler, bool HasGenerator);
