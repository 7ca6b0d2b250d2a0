namespace MiniTorch.NN;

/// <summary>
/// The base of every layer and model (PyTorch's <c>nn.Module</c>): it owns named parameters, buffers and child
/// modules, registered explicitly (no reflection, so it works under trimming and AOT), and computes
/// <see cref="Forward"/> when <see cref="Call"/>ed.
/// </summary>
/// <remarks>
/// The registry is the single source of truth for a module's tensors: <see cref="To"/> replaces parameters with
/// converted copies, so a module reads its parameters back from the registry (the built-in layers expose
/// them as properties that do) rather than caching them in fields.
/// </remarks>
/// <example>
/// <code>
/// sealed class Mlp : Module
/// {
///     private readonly Linear _hidden, _output;
///     public Mlp()
///     {
///         _hidden = RegisterModule("hidden", new Linear(784, 128));
///         _output = RegisterModule("output", new Linear(128, 10));
///     }
///     protected override Tensor Forward(Tensor x) => _output.Call(_hidden.Call(x).Relu());
/// }
/// </code>
/// </example>
public abstract partial class Module
{
    private readonly OrderedDictionary<string, Parameter?> _parameters = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Tensor?> _buffers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nonPersistentBuffers = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Module> _modules = new(StringComparer.Ordinal);

    /// <summary>Computes the module's output. Called through <see cref="Call"/>, which tracks the module path for error messages.</summary>
    protected abstract Tensor Forward(Tensor input);

    /// <summary>Runs the module on <paramref name="input"/> (PyTorch's <c>module(input)</c>).</summary>
    public Tensor Call(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ModuleCallStack.Push(this);
        try
        {
            if (Tracing.IsActive)
            {
                // Traced ops carry the module path, so exported nodes and export errors say where they came from.
                using (Tracing.EnterScope(ModuleCallStack.PathOf(this)))
                {
                    return Forward(input);
                }
            }
            return Forward(input);
        }
        finally
        {
            ModuleCallStack.Pop();
        }
    }

    /// <summary>
    /// Adds a parameter under <paramref name="name"/> (PyTorch's <c>register_parameter</c>); null registers the name
    /// with no tensor, as an optional bias does. Returns the parameter, so it can be assigned where it is registered.
    /// </summary>
    public Parameter? RegisterParameter(string name, Parameter? parameter)
    {
        CheckNewName(name, "parameter");
        _parameters.Add(name, parameter);
        return parameter;
    }

    /// <summary>
    /// Adds a buffer: state that is not trained but belongs to the module, such as BatchNorm's running mean
    /// (PyTorch's <c>register_buffer</c>). Persistent buffers are part of <see cref="StateDict"/>.
    /// </summary>
    public Tensor? RegisterBuffer(string name, Tensor? buffer, bool persistent = true)
    {
        CheckNewName(name, "buffer");
        // Module state outlives any TensorScope it was made in (a model built inside a training scope).
        buffer?.DetachFromScope();
        _buffers.Add(name, buffer);
        if (!persistent)
        {
            _nonPersistentBuffers.Add(name);
        }
        return buffer;
    }

    /// <summary>Adds a child module under <paramref name="name"/> (PyTorch's <c>add_module</c>); its parameters appear as <c>name.…</c>.</summary>
    public T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckNewName(name, "module");
        if (ReferenceEquals(module, this))
        {
            throw new ArgumentException($"{Describe()}: cannot register a module as its own child '{name}'.", nameof(module));
        }
        _modules.Add(name, module);
        return module;
    }

    /// <summary>Replaces the tensor of an already registered parameter name, e.g. to tie two layers' weights.</summary>
    public void SetParameter(string name, Parameter? parameter)
    {
        if (!_parameters.ContainsKey(name))
        {
            throw new KeyNotFoundException($"{Describe()}: has no parameter '{name}' to set; register it first with RegisterParameter.");
        }
        _parameters[name] = parameter;
    }

    /// <summary>Replaces the tensor of an already registered buffer name (e.g. a new running mean).</summary>
    public void SetBuffer(string name, Tensor? buffer)
    {
        if (!_buffers.ContainsKey(name))
        {
            throw new KeyNotFoundException($"{Describe()}: has no buffer '{name}' to set; register it first with RegisterBuffer.");
        }
        buffer?.DetachFromScope();
        _buffers[name] = buffer;
    }

    /// <summary>The parameter at a dotted path such as <c>backbone.0.weight</c> (PyTorch's <c>get_parameter</c>); null if registered as null.</summary>
    public Parameter? GetParameter(string target)
    {
        var (owner, name) = Resolve(target, "parameter");
        if (!owner._parameters.TryGetValue(name, out var p))
        {
            throw new KeyNotFoundException($"{owner.Describe()}: has no parameter '{name}' (looking up '{target}'). Its parameters are: {string.Join(", ", owner._parameters.Keys)}.");
        }
        return p;
    }

    /// <summary>The buffer at a dotted path such as <c>features.1.running_mean</c> (PyTorch's <c>get_buffer</c>); null if registered as null.</summary>
    public Tensor? GetBuffer(string target)
    {
        var (owner, name) = Resolve(target, "buffer");
        if (!owner._buffers.TryGetValue(name, out var b))
        {
            throw new KeyNotFoundException($"{owner.Describe()}: has no buffer '{name}' (looking up '{target}'). Its buffers are: {string.Join(", ", owner._buffers.Keys)}.");
        }
        return b;
    }

    /// <summary>The descendant module at a dotted path such as <c>backbone.0</c> (PyTorch's <c>get_submodule</c>); "" is this module.</summary>
    public Module GetSubmodule(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var module = this;
        if (target.Length == 0)
        {
            return module;
        }
        foreach (var part in target.Split('.'))
        {
            if (!module._modules.TryGetValue(part, out var child))
            {
                throw new KeyNotFoundException($"{module.Describe()}: has no submodule '{part}' (looking up '{target}'). Its children are: {string.Join(", ", module._modules.Keys)}.");
            }
            module = child;
        }
        return module;
    }

    /// <summary>A registered parameter of this module that must be present (a layer's weight).</summary>
    protected Parameter RequiredParameter(string name) =>
        GetParameter(name) ?? throw new InvalidOperationException($"{Describe()}: parameter '{name}' is null, but this module needs it.");

    /// <summary>A registered buffer of this module that must be present.</summary>
    protected Tensor RequiredBuffer(string name) =>
        GetBuffer(name) ?? throw new InvalidOperationException($"{Describe()}: buffer '{name}' is null, but this module needs it.");

    private (Module Owner, string Name) Resolve(string target, string kind)
    {
        ArgumentNullException.ThrowIfNull(target);
        int dot = target.LastIndexOf('.');
        if (target.Length == 0 || dot == target.Length - 1)
        {
            throw new ArgumentException($"{Describe()}: '{target}' is not a {kind} name.", nameof(target));
        }
        return dot < 0 ? (this, target) : (GetSubmodule(target[..dot]), target[(dot + 1)..]);
    }

    private void CheckNewName(string name, string kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('.'))
        {
            throw new ArgumentException($"{Describe()}: {kind} name '{name}' must be non-empty and contain no '.'; dots separate the levels of a path like 'backbone.0.weight'.", nameof(name));
        }
        if (_parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _modules.ContainsKey(name))
        {
            throw new ArgumentException($"{Describe()}: attribute '{name}' already exists; each parameter, buffer and child needs its own name.", nameof(name));
        }
    }

    /// <summary>This module as error messages name it: its path in the model being called and its type, e.g. <c>backbone.0 (Linear)</c>.</summary>
    protected internal string Describe()
    {
        string path = ModuleCallStack.PathOf(this);
        return path.Length == 0 ? GetType().Name : $"{path} ({GetType().Name})";
    }

    /// <summary>An exception for an input this module cannot take, naming the module, the expected and the actual shape.</summary>
    /// <param name="input">The input that was passed.</param>
    /// <param name="expected">The accepted shape, e.g. <c>[*, 784]</c> or <c>(N, 3, H, W)</c>.</param>
    /// <param name="hint">What to do about it, appended to the message.</param>
    protected internal ModuleInputException InputError(Tensor input, string expected, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        string module = Describe();
        string actual = FormatShape(input.Shape);
        string message = $"{module}: expected input of shape {expected}, got {actual}." + (hint is null ? "" : " " + hint);
        return new ModuleInputException(module, expected, input.Shape, message);
    }

    /// <summary>An exception for an input with too few dimensions for <paramref name="dim"/>.</summary>
    internal ModuleInputException DimensionError(Tensor input, int dim)
    {
        int needed = dim >= 0 ? dim + 1 : -dim;
        string module = Describe();
        return new ModuleInputException(module, $"at least {needed} dimensions", input.Shape,
            $"{module}: dim={dim} needs an input with at least {needed} dimensions, got shape {FormatShape(input.Shape)}.");
    }

    /// <summary>Throws unless <paramref name="input"/> has the dtype of this module's parameters.</summary>
    protected void CheckDType(Tensor input, DType expected)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType != expected)
        {
            string module = Describe();
            throw new ModuleInputException(module, expected.ToString(), input.Shape,
                $"{module}: input dtype {input.DType} does not match the module's parameters ({expected}); convert the input with To(DType.{expected}) or the model with To(DType.{input.DType}).");
        }
    }

    /// <summary>Formats a shape as <c>[2, 3]</c>, as every MiniTorch message does.</summary>
    protected static string FormatShape(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return "[" + string.Join(", ", shape) + "]";
    }
}
