using System.Text;

namespace MiniTorch.NN;

/// <summary>What <see cref="Module.LoadStateDict"/> did not match when <c>strict</c> was false.</summary>
/// <param name="MissingKeys">Names the module has but the state dict lacked (left unchanged).</param>
/// <param name="UnexpectedKeys">Names in the state dict the module does not have (ignored).</param>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

// Saving and restoring a module's state: parameters and persistent buffers by dotted name.
public abstract partial class Module
{
    /// <summary>
    /// Every parameter and persistent buffer by dotted name, in registration order: a module's own parameters, then
    /// its buffers, then each child's entries (PyTorch's <c>state_dict()</c>). The tensors are detached views that
    /// share storage with the module, so clone them to keep a snapshot while training continues.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var result = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in StateEntries(""))
        {
            result[name] = tensor.Detach();
        }
        return result;
    }

    /// <summary>
    /// Copies the values of <paramref name="stateDict"/> into this module's parameters and buffers (converting dtype
    /// if needed), keeping the tensor objects, as PyTorch's <c>load_state_dict</c> does. A shape mismatch is always an
    /// error; with <paramref name="strict"/>, so is a missing or an unexpected key. Every problem is reported at once
    /// and nothing is modified when an error is thrown.
    /// </summary>
    /// <exception cref="StateDictException">The state dict does not fit; the message lists every key at fault.</exception>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var targets = StateEntries("");
        var result = CheckStateDict(targets, stateDict.Keys, name => stateDict.TryGetValue(name, out var t) ? (true, t?.Shape) : (false, null), strict);
        using (Autograd.NoGrad())
        {
            foreach (var (name, target) in targets)
            {
                if (stateDict.TryGetValue(name, out var source))
                {
                    target.CopyFromInPlace(source.Detach().To(target.DType));
                }
            }
        }
        return result;
    }

    /// <summary>Saves <see cref="StateDict"/> as a safetensors file (atomically), loadable by PyTorch with <c>safetensors.torch.load_file</c>.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null) => Safetensors.Save(path, StateDict(), metadata);

    /// <summary>
    /// Saves <see cref="StateDict"/> as a checkpoint directory in Hugging Face's layout, as transformers'
    /// <c>save_pretrained(directory, max_shard_size=...)</c>: shards <c>model-00001-of-0000N.safetensors</c> of at most
    /// <paramref name="maxShardSize"/> bytes and <c>model.safetensors.index.json</c>, written last (or one
    /// <c>model.safetensors</c> when everything fits one shard). See <see cref="Safetensors.SaveSharded"/>.
    /// </summary>
    /// <returns>The files written, the index last.</returns>
    public IReadOnlyList<string> Save(string directory, long maxShardSize, IReadOnlyDictionary<string, string>? metadata = null)
        => Safetensors.SaveSharded(directory, StateDict(), maxShardSize, metadata);

    /// <summary>
    /// Loads a checkpoint into this module with <see cref="LoadStateDict"/>'s rules: a safetensors file, a checkpoint
    /// directory (<c>model.safetensors</c> or a sharded <c>model.safetensors.index.json</c>) or an index file. The files
    /// are opened lazily: keys and shapes are checked against the module from the headers before any data is read
    /// (nothing is modified when that fails), then only the tensors the module has are read, one at a time, so with
    /// <paramref name="strict"/> false a checkpoint's other tensors cost nothing and peak memory is one tensor.
    /// </summary>
    /// <exception cref="StateDictException">The checkpoint does not fit the module; the message lists every key at fault.</exception>
    /// <exception cref="SafetensorsFormatException">A file of the checkpoint is corrupted, or the index does not match its shards.</exception>
    public LoadStateDictResult Load(string path, bool strict = true)
    {
        using var checkpoint = Safetensors.OpenCheckpoint(path);
        var targets = StateEntries("");
        var result = CheckStateDict(targets, checkpoint.Keys, name => checkpoint.Contains(name) ? (true, checkpoint.GetInfo(name).Shape) : (false, null), strict);
        using (Autograd.NoGrad())
        {
            foreach (var (name, target) in targets)
            {
                if (checkpoint.Contains(name))
                {
                    using var source = checkpoint.GetTensor(name);
                    target.CopyFromInPlace(source.DType == target.DType ? source : source.To(target.DType));
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Matches the module's entries against a state dict's keys and shapes, reporting every problem at once: a shape
    /// mismatch is always an error, a missing or unexpected key only with <paramref name="strict"/>.
    /// </summary>
    /// <remarks><paramref name="shapeOf"/> says for a key whether the state dict has it, and its shape (null when it holds null instead of a tensor).</remarks>
    private LoadStateDictResult CheckStateDict(List<(string Name, Tensor Tensor)> targets, IEnumerable<string> keys, Func<string, (bool Found, int[]? Shape)> shapeOf, bool strict)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        var mismatches = new List<string>();
        foreach (var (name, target) in targets)
        {
            known.Add(name);
            var (found, shape) = shapeOf(name);
            if (!found)
            {
                missing.Add(name);
            }
            else if (shape is null)
            {
                mismatches.Add($"{name}: the state dict holds null instead of a tensor");
            }
            else if (!shape.AsSpan().SequenceEqual(target.Shape))
            {
                mismatches.Add($"size mismatch for {name}: copying a param with shape {FormatShape(shape)} from checkpoint, the shape in current model is {FormatShape(target.Shape)}");
            }
        }
        var unexpected = new List<string>();
        foreach (var key in keys)
        {
            if (!known.Contains(key))
            {
                unexpected.Add(key);
            }
        }
        if (mismatches.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            throw LoadError(strict ? missing : [], strict ? unexpected : [], mismatches);
        }
        return new LoadStateDictResult(missing, unexpected);
    }

    /// <summary>The (name, tensor) pairs of the state dict, recursing into children; shared modules appear under each name, as in PyTorch.</summary>
    private List<(string Name, Tensor Tensor)> StateEntries(string prefix)
    {
        var result = new List<(string, Tensor)>();
        var pending = new Stack<(string, Module)>();
        pending.Push((prefix, this));
        while (pending.Count > 0)
        {
            var (path, module) = pending.Pop();
            foreach (var (name, p) in module._parameters)
            {
                if (p is not null)
                {
                    result.Add((Join(path, name), p));
                }
            }
            foreach (var (name, b) in module._buffers)
            {
                if (b is not null && !module._nonPersistentBuffers.Contains(name))
                {
                    result.Add((Join(path, name), b));
                }
            }
            for (int i = module._modules.Count - 1; i >= 0; i--)
            {
                var (name, child) = module._modules.GetAt(i);
                pending.Push((Join(path, name), child));
            }
        }
        return result;
    }

    private StateDictException LoadError(List<string> missing, List<string> unexpected, List<string> mismatches)
    {
        var sb = new StringBuilder($"Error(s) in loading state_dict for {GetType().Name}:");
        if (missing.Count > 0)
        {
            sb.Append("\n\tMissing key(s) in state_dict: ");
            AppendCapped(sb, missing, quote: true);
        }
        if (unexpected.Count > 0)
        {
            sb.Append("\n\tUnexpected key(s) in state_dict: ");
            AppendCapped(sb, unexpected, quote: true);
        }
        for (int i = 0; i < Math.Min(mismatches.Count, MaxNamesInMessage); i++)
        {
            sb.Append("\n\t").Append(mismatches[i]).Append('.');
        }
        if (mismatches.Count > MaxNamesInMessage)
        {
            sb.Append($"\n\t… and {mismatches.Count - MaxNamesInMessage} more size mismatch(es) (all of them are in the exception's Mismatches).");
        }
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            sb.Append("\n\tCheck that the model is built the same way as the one saved; pass strict: false to load the matching keys only.");
        }
        return new StateDictException(sb.ToString(), missing, unexpected, mismatches);
    }

    /// <summary>How many names a load error lists per kind: a checkpoint of 100,000 tensors must not make a message of megabytes.</summary>
    private const int MaxNamesInMessage = 20;

    private static void AppendCapped(StringBuilder sb, List<string> names, bool quote)
    {
        for (int i = 0; i < Math.Min(names.Count, MaxNamesInMessage); i++)
        {
            sb.Append(i == 0 ? "" : ", ").Append(quote ? $"\"{names[i]}\"" : names[i]);
        }
        if (names.Count > MaxNamesInMessage)
        {
            sb.Append($", … and {names.Count - MaxNamesInMessage} more ({names.Count} in all; the exception lists every one)");
        }
        sb.Append('.');
    }
}
