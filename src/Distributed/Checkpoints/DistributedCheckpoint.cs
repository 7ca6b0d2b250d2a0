using MiniTorch.NN;

namespace MiniTorch.Distributed;

/// <summary>
/// Checkpoints in data-parallel training: the ranks hold the same parameters, so rank 0 alone writes the file, and the
/// others wait at a barrier until it is complete (PyTorch's recipe: <c>if rank == 0: torch.save(...)</c>, then
/// <c>dist.barrier()</c>). Loading reads the file on every rank.
/// </summary>
public static class DistributedCheckpoint
{
    /// <summary>
    /// Saves the model's state dict (safetensors, written atomically) on rank 0, then waits until all ranks get here.
    /// A <see cref="DistributedDataParallel"/> is saved as its wrapped model, so keys have no <c>module.</c> prefix and
    /// the file loads into the bare model, as PyTorch's <c>ddp.module.state_dict()</c> does.
    /// </summary>
    /// <param name="model">The model, or the DDP wrapper around it.</param>
    /// <param name="path">The file; it must be visible to every rank that loads it (a shared path across machines).</param>
    /// <param name="metadata">Optional string metadata stored in the file.</param>
    public static void Save(Module model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Distributed.Rank == 0)
        {
            Unwrap(model).Save(path, metadata);
        }
        Distributed.Barrier();
    }

    /// <summary>Loads a checkpoint written by <see cref="Save"/> into the model (or the DDP wrapper's model) on this rank.</summary>
    /// <returns>The missing and unexpected keys, as <see cref="Module.LoadStateDict"/> reports them.</returns>
    public static LoadStateDictResult Load(Module model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Unwrap(model).Load(path, strict);
    }

    private static Module Unwrap(Module model) => model is DistributedDataParallel ddp ? ddp.Module : model;
}
