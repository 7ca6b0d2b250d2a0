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
        var known = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        var mismatches = new List<string>();
        foreach (var (name, target) in targets)
        {
            known.Add(name);
            if (!stateDict.TryGetValue(name, out var source))
            {
                missing.Add(name);
            }
            else if (source is null)
            {
                mismatches.Add($"{name}: the state dict holds null instead of a tensor");
            }
            else if (!source.Shape.AsSpan().SequenceEqual(target.Shape))
            {
                mismatches.Add($"size mismatch for {name}: copying a param with shape {FormatShape(source.Shape)} from checkpoint, the shape in current model is {FormatShape(target.Shape)}");
            }
        }
        var unexpected = new List<string>();
        foreach (var key in stateDict.Keys)
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
        return new LoadStateDictResult(missing, unexpected);
    }

    /// <summary>Saves <see cref="StateDict"/> as a safetensors file (atomically), loadable by PyTorch with <c>safetensors.torch.load_file</c>.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null) => Safetensors.Save(path, StateDict(), metadata);

    /// <summary>Loads a safetensors file into this module with <see cref="LoadStateDict"/>.</summary>
    public LoadStateDictResult Load(string path, bool strict = true) => LoadStateDict(Safetensors.Load(path), strict);

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
            sb.Append("\n\tMissing key(s) in state_dict: ").Append(string.Join(", ", missing.ConvertAll(k => $"\"{k}\""))).Append('.');
        }
        if (unexpected.Count > 0)
        {
            sb.Append("\n\tUnexpected key(s) in state_dict: ").Append(string.Join(", ", unexpected.ConvertAll(k => $"\"{k}\""))).Append('.');
        }
        foreach (var m in mismatches)
        {
            sb.Append("\n\t").Append(m).Append('.');
        }
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            sb.Append("\n\tCheck that the model is built the same way as the one saved; pass strict: false to load the matching keys only.");
        }
        return new StateDictException(sb.ToString(), missing, unexpected, mismatches);
    }
}
