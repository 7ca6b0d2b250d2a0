using System.Text;
using MiniTorch.NN;

namespace MiniTorch.Onnx;

/// <summary>
/// Places the imported layers and weights in a tree of modules whose dotted paths read like a PyTorch model's:
/// a layer whose weight initializer is named <c>a.b.weight</c> (as PyTorch's and MiniTorch's exporters name them)
/// goes to <c>a.b</c>; otherwise the node's name gives the path (<c>/layer1/layer1.0/conv1/Conv</c> →
/// <c>layer1.0.conv1</c>, <c>Convolution249</c> → <c>Convolution249</c>); a node without a name gets
/// <c>conv_0</c>, <c>batchnorm_1</c>, …. Characters other than letters, digits and <c>_</c> become <c>_</c>;
/// a path that is taken gets a suffix <c>_1</c>, <c>_2</c>, ….
/// </summary>
internal sealed class ModuleNamer
{
    private readonly Module _root;
    private readonly Dictionary<string, int> _unnamed = new(StringComparer.Ordinal);

    public ModuleNamer(Module root) => _root = root;

    /// <summary>The path for a layer of kind <paramref name="kind"/> (e.g. "conv") built from the node <paramref name="nodeName"/>.</summary>
    public static string[] LayerPath(string? weightName, string nodeName, string opType, string kind, Dictionary<string, int> unnamed)
    {
        if (weightName is not null && weightName.EndsWith(".weight", StringComparison.Ordinal) && weightName.Length > ".weight".Length)
        {
            return Segments(weightName[..^".weight".Length].Split('.'));
        }
        var parts = nodeName.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (parts.Count > 1 && parts[^1].StartsWith(opType, StringComparison.Ordinal))
        {
            parts.RemoveAt(parts.Count - 1); // PyTorch's "/…/conv1/Conv": the last part is the op
        }
        // PyTorch repeats the qualified path at each level ("/layer1/layer1.0/conv1"): keep only the last of such runs.
        var kept = new List<string>();
        foreach (var part in parts)
        {
            if (kept.Count > 0 && part.StartsWith(string.Join(".", kept) + ".", StringComparison.Ordinal))
            {
                kept = [.. part.Split('.')];
            }
            else
            {
                kept.AddRange(part.Split('.'));
            }
        }
        if (kept.Count == 0)
        {
            int k = unnamed.TryGetValue(kind, out var n) ? n : 0;
            unnamed[kind] = k + 1;
            return [$"{kind}_{k}"];
        }
        return Segments(kept);
    }

    /// <summary>Registers <paramref name="module"/> at <paramref name="path"/> (or a free variant of it); returns the dotted path used.</summary>
    public string AddModule(string[] path, Module module)
    {
        var (parent, leaf) = Parent(path);
        leaf = Free(parent, leaf);
        parent.RegisterModule(leaf, module);
        return Join(parent, leaf);
    }

    /// <summary>Registers a loose initializer under its own (sanitised) name; returns the dotted path used.</summary>
    public string AddTensor(string initializerName, Tensor tensor, bool asParameter)
    {
        var (parent, leaf) = Parent(Segments(initializerName.Split('.')));
        leaf = Free(parent, leaf);
        if (asParameter)
        {
            parent.RegisterParameter(leaf, new Parameter(tensor));
        }
        else
        {
            parent.RegisterBuffer(leaf, tensor);
        }
        return Join(parent, leaf);
    }

    public Dictionary<string, int> Unnamed => _unnamed;

    private (Module Parent, string Leaf) Parent(string[] path)
    {
        Module parent = _root;
        for (int i = 0; i < path.Length - 1; i++)
        {
            var child = parent.NamedChildren().FirstOrDefault(c => c.Name == path[i]).Module;
            if (child is null)
            {
                if (Taken(parent, path[i]))
                {
                    // A parameter already has this name: flatten the rest of the path into one name.
                    return (parent, string.Join("_", path[i..]));
                }
                child = parent.RegisterModule(path[i], new OnnxContainer());
            }
            else if (child is not OnnxContainer)
            {
                return (parent, string.Join("_", path[i..]));
            }
            parent = child;
        }
        return (parent, path[^1]);
    }

    private static string Free(Module parent, string leaf)
    {
        if (!Taken(parent, leaf))
        {
            return leaf;
        }
        for (int k = 1; ; k++)
        {
            string candidate = $"{leaf}_{k}";
            if (!Taken(parent, candidate))
            {
                return candidate;
            }
        }
    }

    private static bool Taken(Module parent, string name) =>
        parent.NamedChildren().Any(c => c.Name == name) ||
        parent.NamedParameters(recurse: false).Any(p => p.Name == name) ||
        parent.NamedBuffers(recurse: false).Any(b => b.Name == name);

    private string Join(Module parent, string leaf)
    {
        foreach (var (name, module) in _root.NamedModules())
        {
            if (ReferenceEquals(module, parent))
            {
                return name.Length == 0 ? leaf : name + "." + leaf;
            }
        }
        return leaf;
    }

    private static string[] Segments(IEnumerable<string> parts)
    {
        var result = new List<string>();
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                continue;
            }
            var sb = new StringBuilder(part.Length);
            foreach (char ch in part)
            {
                sb.Append(char.IsAsciiLetterOrDigit(ch) || ch == '_' ? ch : '_');
            }
            result.Add(sb.ToString());
        }
        return result.Count == 0 ? ["_"] : [.. result];
    }
}

/// <summary>A level of the imported model's module tree that holds layers and weights but computes nothing itself.</summary>
public sealed class OnnxContainer : Module
{
    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) =>
        throw new InvalidOperationException($"{Describe()} groups imported layers and weights; call the imported model (OnnxGraphModule), which runs the graph, rather than this level of it.");
}
