namespace MiniTorch.NN;

// Walking the module tree. Order is registration order, parents before children (PyTorch's order), and a
// tensor or module reachable by two paths is reported once, under the first path, as PyTorch does.
public abstract partial class Module
{
    /// <summary>The parameters of this module and (if <paramref name="recurse"/>) its descendants, each once.</summary>
    public IReadOnlyList<Parameter> Parameters(bool recurse = true)
    {
        var named = NamedParameters(recurse: recurse);
        var result = new List<Parameter>(named.Count);
        foreach (var (_, p) in named)
        {
            result.Add(p);
        }
        return result;
    }

    /// <summary>The parameters with their dotted names, e.g. <c>backbone.0.weight</c>, each once.</summary>
    /// <param name="prefix">Prepended to every name (with a dot).</param>
    /// <param name="recurse">Include descendants' parameters (true) or only this module's.</param>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters(string prefix = "", bool recurse = true)
    {
        var result = new List<(string, Parameter)>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (path, module) in ModulesToVisit(prefix, recurse))
        {
            foreach (var (name, p) in module._parameters)
            {
                if (p is not null && seen.Add(p))
                {
                    result.Add((Join(path, name), p));
                }
            }
        }
        return result;
    }

    /// <summary>The buffers (persistent or not) of this module and (if <paramref name="recurse"/>) its descendants, each once.</summary>
    public IReadOnlyList<Tensor> Buffers(bool recurse = true)
    {
        var named = NamedBuffers(recurse: recurse);
        var result = new List<Tensor>(named.Count);
        foreach (var (_, b) in named)
        {
            result.Add(b);
        }
        return result;
    }

    /// <summary>The buffers with their dotted names, e.g. <c>features.1.running_mean</c>, each once.</summary>
    public IReadOnlyList<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool recurse = true)
    {
        var result = new List<(string, Tensor)>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (path, module) in ModulesToVisit(prefix, recurse))
        {
            foreach (var (name, b) in module._buffers)
            {
                if (b is not null && seen.Add(b))
                {
                    result.Add((Join(path, name), b));
                }
            }
        }
        return result;
    }

    /// <summary>The direct children, each once.</summary>
    public IReadOnlyList<Module> Children()
    {
        var result = new List<Module>();
        foreach (var (_, m) in NamedChildren())
        {
            result.Add(m);
        }
        return result;
    }

    /// <summary>The direct children with their names, each once.</summary>
    public IReadOnlyList<(string Name, Module Module)> NamedChildren()
    {
        var result = new List<(string, Module)>();
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var (name, m) in _modules)
        {
            if (seen.Add(m))
            {
                result.Add((name, m));
            }
        }
        return result;
    }

    /// <summary>This module and all its descendants, parents first, each once.</summary>
    public IReadOnlyList<Module> Modules()
    {
        var named = NamedModules();
        var result = new List<Module>(named.Count);
        foreach (var (_, m) in named)
        {
            result.Add(m);
        }
        return result;
    }

    /// <summary>This module (named <paramref name="prefix"/>, "" by default) and its descendants with dotted paths, parents first, each once.</summary>
    public IReadOnlyList<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var result = new List<(string, Module)>();
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        // An explicit stack, children pushed in reverse, gives pre-order without recursion.
        var pending = new Stack<(string, Module)>();
        pending.Push((prefix, this));
        while (pending.Count > 0)
        {
            var (path, module) = pending.Pop();
            if (!seen.Add(module))
            {
                continue;
            }
            result.Add((path, module));
            for (int i = module._modules.Count - 1; i >= 0; i--)
            {
                var (name, child) = module._modules.GetAt(i);
                pending.Push((Join(path, name), child));
            }
        }
        return result;
    }

    /// <summary>Every registered child in order, including a module registered under two names (Sequential runs it twice).</summary>
    internal List<Module> RegisteredChildren()
    {
        var result = new List<Module>(_modules.Count);
        foreach (var (_, m) in _modules)
        {
            result.Add(m);
        }
        return result;
    }

    /// <summary>The registration name of a direct child, or null if it is not one.</summary>
    internal string? NameOfChild(Module child)
    {
        foreach (var (name, m) in _modules)
        {
            if (ReferenceEquals(m, child))
            {
                return name;
            }
        }
        return null;
    }

    private IReadOnlyList<(string Name, Module Module)> ModulesToVisit(string prefix, bool recurse) =>
        recurse ? NamedModules(prefix) : [(prefix ?? throw new ArgumentNullException(nameof(prefix)), this)];

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
