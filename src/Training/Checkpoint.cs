using System.Globalization;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Training;

/// <summary>
/// Saves and restores a training run in one safetensors file: the model's state dict, the optimizer's state, the
/// learning-rate scheduler, the epoch, a random generator and metadata of your own — what a PyTorch user puts in
/// <c>torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch, …}, path)</c>.
/// Tensors are stored as tensors; everything else as JSON in the header's metadata.
/// </summary>
/// <remarks>
/// The file is written atomically: in a staging directory beside it, then renamed over the old checkpoint, so a save
/// killed midway leaves the previous checkpoint intact. Each save first removes the staging directories of earlier
/// saves of the same path whose process is gone. Resuming from a checkpoint saved after epoch k and training to
/// epoch n gives bit-for-bit the weights of training to n without stopping, when the generator that drives shuffling,
/// dropout or augmentation is saved and restored too.
/// </remarks>
public static class Checkpoint
{
    /// <summary>Saves the run's state to <paramref name="path"/> (replaced if it exists).</summary>
    /// <param name="path">The checkpoint file, e.g. <c>checkpoints/last.safetensors</c>; its directory is created if needed.</param>
    /// <param name="model">The model whose <see cref="Module.StateDict"/> (parameters and buffers) is saved.</param>
    /// <param name="optimizer">The optimizer whose state (buffers, step counts, group options) is saved.</param>
    /// <param name="scheduler">The learning-rate scheduler, if any.</param>
    /// <param name="epoch">The epoch reached (by convention the last completed one; resume at <c>epoch + 1</c>).</param>
    /// <param name="generator">The generator whose state is saved (e.g. the DataLoader's), if any.</param>
    /// <param name="metadata">Your own string metadata (e.g. the validation accuracy), returned by <see cref="Load"/>.</param>
    public static void Save(string path, Module model, Optimizer optimizer, LrScheduler? scheduler, int epoch,
        Generator? generator = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (scheduler is not null && !ReferenceEquals(scheduler.Optimizer, optimizer))
        {
            throw new ArgumentException("Checkpoint.Save: the scheduler drives another optimizer than the one being saved.", nameof(scheduler));
        }

        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (key, tensor) in model.StateDict())
        {
            tensors.Add(new(CheckpointDocument.ModelPrefix + key, tensor));
        }
        var state = optimizer.StateDict();
        var document = new CheckpointDocument
        {
            Epoch = epoch,
            Optimizer = new OptimizerDocument { Name = state.Optimizer },
            Scheduler = scheduler is null ? null : SchedulerDocument.From(scheduler.StateDict()),
            Generator = generator is null ? null : Convert.ToBase64String(generator.GetState()),
        };
        foreach (var group in state.ParamGroups)
        {
            document.Optimizer.Groups.Add(new GroupDocument { Options = new(group.Options, StringComparer.Ordinal), Params = [.. group.Params] });
        }
        foreach (var (position, paramState) in state.State.OrderBy(p => p.Key))
        {
            var entry = new ParamStateDocument { Param = position, Step = paramState.Step };
            foreach (var (name, buffer) in paramState.Buffers.OrderBy(b => b.Key, StringComparer.Ordinal))
            {
                entry.Buffers.Add(name);
                tensors.Add(new(OptimizerKey(position, name), buffer));
            }
            document.Optimizer.State.Add(entry);
        }
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                document.Metadata[key] = value ?? throw new ArgumentException($"Checkpoint.Save: metadata value for '{key}' is null.", nameof(metadata));
            }
        }

        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var staging = CheckpointStaging.Begin(full);
        Safetensors.Save(staging.File, tensors, new Dictionary<string, string> { [CheckpointDocument.Key] = document.ToJson() });
        staging.Commit(full);
    }

    /// <summary>
    /// Restores a checkpoint into an already built model, optimizer and (optionally) scheduler and generator — PyTorch's
    /// <c>model.load_state_dict(ckpt["model"])</c>, <c>opt.load_state_dict(ckpt["optimizer"])</c>, … in one call.
    /// </summary>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <param name="model">The model to load the weights into (same architecture).</param>
    /// <param name="optimizer">The optimizer to restore, of the type saved and over the model's parameters in the same order.</param>
    /// <param name="scheduler">The scheduler to restore; the checkpoint must hold one if this is not null.</param>
    /// <param name="generator">The generator to restore; the checkpoint must hold one if this is not null.</param>
    /// <returns>The saved epoch and metadata.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a checkpoint, or lacks the scheduler or generator asked for.</exception>
    /// <exception cref="StateDictException">The model does not match the saved weights.</exception>
    /// <exception cref="ArgumentException">The optimizer or scheduler does not match the saved one.</exception>
    public static CheckpointInfo Load(string path, Module model, Optimizer optimizer, LrScheduler? scheduler = null, Generator? generator = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var (tensors, header) = Safetensors.LoadWithMetadata(path);
        if (!header.TryGetValue(CheckpointDocument.Key, out string? json))
        {
            throw new CheckpointFormatException(path, $"it has no '{CheckpointDocument.Key}' metadata (a plain state dict? load it with model.Load).");
        }
        var document = CheckpointDocument.FromJson(json, path);

        // Everything is parsed and cross-checked before anything is loaded.
        var modelState = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (name.StartsWith(CheckpointDocument.ModelPrefix, StringComparison.Ordinal))
            {
                modelState[name[CheckpointDocument.ModelPrefix.Length..]] = tensor;
            }
            else if (!name.StartsWith(CheckpointDocument.OptimizerPrefix, StringComparison.Ordinal))
            {
                throw new CheckpointFormatException(path, $"tensor '{name}' belongs to neither the model nor the optimizer.");
            }
        }
        var optimizerState = OptimizerState(document.Optimizer, tensors, path);
        if (scheduler is not null && document.Scheduler is null)
        {
            throw new CheckpointFormatException(path, "a scheduler was passed, but the checkpoint was saved without one.");
        }
        byte[]? generatorState = null;
        if (generator is not null)
        {
            if (document.Generator is null)
            {
                throw new CheckpointFormatException(path, "a generator was passed, but the checkpoint was saved without one.");
            }
            try
            {
                generatorState = Convert.FromBase64String(document.Generator);
            }
            catch (FormatException e)
            {
                throw new CheckpointFormatException(path, "its generator state is not base64.", e);
            }
        }

        model.LoadStateDict(modelState, strict: true);
        optimizer.LoadStateDict(optimizerState);
        scheduler?.LoadStateDict(document.Scheduler!.ToStateDict());
        if (generatorState is not null)
        {
            generator!.SetState(generatorState);
        }
        return new CheckpointInfo(document.Epoch, document.Metadata, document.Scheduler is not null, document.Generator is not null);
    }

    private static string OptimizerKey(int position, string buffer) =>
        string.Create(CultureInfo.InvariantCulture, $"{CheckpointDocument.OptimizerPrefix}{position}/{buffer}");

    private static OptimizerStateDict OptimizerState(OptimizerDocument saved, IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        var state = new Dictionary<int, ParamState>();
        foreach (var entry in saved.State)
        {
            var paramState = new ParamState { Step = entry.Step };
            foreach (string buffer in entry.Buffers)
            {
                string key = OptimizerKey(entry.Param, buffer);
                if (!tensors.TryGetValue(key, out var tensor))
                {
                    throw new CheckpointFormatException(path, $"the optimizer state lists buffer '{buffer}' of parameter {entry.Param}, but tensor '{key}' is missing.");
                }
                paramState.SetBuffer(buffer, tensor);
            }
            if (!state.TryAdd(entry.Param, paramState))
            {
                throw new CheckpointFormatException(path, $"the optimizer state lists parameter {entry.Param} twice.");
            }
        }
        var groups = saved.Groups.Select(g => new ParamGroupState(g.Options, g.Params)).ToList();
        return new OptimizerStateDict(saved.Name, state, groups);
    }
}
