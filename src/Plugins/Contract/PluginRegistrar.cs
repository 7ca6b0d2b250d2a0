namespace MiniTorch.Plugins;

/// <summary>
/// Collects what a plugin adds during <see cref="IMiniTorchPlugin.Register"/>. Each definition is checked when it is
/// added (names, arity of every sample, declared attributes), so a mistake fails at load time with the op's name,
/// not at the first call in a training run.
/// </summary>
public sealed class PluginRegistrar
{
    private readonly List<OpDefinition> _ops = [];
    private readonly List<ModuleDefinition> _modules = [];

    internal PluginRegistrar(string pluginName) => PluginName = pluginName;

    /// <summary>The name of the plugin being registered (from its <see cref="MiniTorchPluginAttribute"/>).</summary>
    public string PluginName { get; }

    internal IReadOnlyList<OpDefinition> Ops => _ops;

    internal IReadOnlyList<ModuleDefinition> Modules => _modules;

    /// <summary>Adds an op; throws <see cref="ArgumentException"/> naming the op and the problem if the definition is inconsistent.</summary>
    public void AddOp(OpDefinition op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (!Names.IsOpName(op.Name))
        {
            throw new ArgumentException($"Plugin '{PluginName}': op name '{op.Name}' is not valid; use {Names.OpRule}.", nameof(op));
        }
        string owner = $"Op '{op.Name}'";
        if (_ops.Any(o => o.Name == op.Name))
        {
            throw new ArgumentException($"Plugin '{PluginName}': {owner} is added twice; each op needs its own name.", nameof(op));
        }
        ArgumentNullException.ThrowIfNull(op.Create, nameof(op.Create));
        if (op.Inputs is null || op.Inputs.Count == 0 || op.Inputs.Any(string.IsNullOrWhiteSpace) || op.Inputs.Distinct().Count() != op.Inputs.Count)
        {
            throw new ArgumentException($"{owner}: Inputs must name each tensor input once (at least one), e.g. [\"input\", \"weight\"].", nameof(op));
        }
        CheckAttributeNames(owner, op.Attributes?.Keys ?? throw new ArgumentException($"{owner}: Attributes is null; leave it unset for an op without attributes.", nameof(op)));
        CheckInputDTypes(owner, op);
        if (op.Samples is null || op.Samples.Count == 0)
        {
            throw new ArgumentException($"{owner}: has no samples; validation needs at least one, e.g. Samples = [new OpSample([4, 5])].", nameof(op));
        }
        for (int i = 0; i < op.Samples.Count; i++)
        {
            CheckSample(owner, op, i, op.Samples[i]);
        }
        // A dry run of the lowering: an input or attribute it reads that the op does not have fails now, naming the op.
        op.OnnxLowering?.Record(op.Name, op.Inputs, op.Attributes.Keys.ToArray());
        op.AssignPlugin(PluginName);
        _ops.Add(op);
    }

    /// <summary>Adds a module type; throws <see cref="ArgumentException"/> naming the module and the problem if the definition is inconsistent.</summary>
    public void AddModule(ModuleDefinition module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!Names.IsModuleName(module.Name))
        {
            throw new ArgumentException($"Plugin '{PluginName}': module name '{module.Name}' is not valid; use {Names.ModuleRule}.", nameof(module));
        }
        string owner = $"Module '{module.Name}'";
        if (_modules.Any(m => m.Name == module.Name))
        {
            throw new ArgumentException($"Plugin '{PluginName}': {owner} is added twice; each module type needs its own name.", nameof(module));
        }
        ArgumentNullException.ThrowIfNull(module.Create, nameof(module.Create));
        CheckAttributeNames(owner, module.Attributes?.Keys ?? throw new ArgumentException($"{owner}: Attributes is null; leave it unset for a module without attributes.", nameof(module)));
        CheckAttributeNames(owner, module.RequiredAttributes ?? throw new ArgumentException($"{owner}: RequiredAttributes is null; leave it unset for a module without required attributes.", nameof(module)));
        var both = module.RequiredAttributes.Where(module.Attributes.ContainsKey).ToArray();
        if (both.Length > 0)
        {
            throw new ArgumentException($"{owner}: attribute '{both[0]}' is both required and has a default; it must be one or the other.", nameof(module));
        }
        if (module.Samples is null || module.Samples.Count == 0)
        {
            throw new ArgumentException($"{owner}: has no samples; validation needs at least one, e.g. Samples = [new ModuleSample([4, 5])].", nameof(module));
        }
        for (int i = 0; i < module.Samples.Count; i++)
        {
            var sample = module.Samples[i] ?? throw new ArgumentException($"{owner}: sample {i} is null.", nameof(module));
            ArgumentNullException.ThrowIfNull(sample.InputShape, nameof(sample.InputShape));
            CheckShape(owner, i, sample.InputShape);
            // Throws with the module's name if the sample misses a required attribute or names an unknown one.
            PluginAttributes.Merge($"{owner} sample {i}", module.Attributes, module.RequiredAttributes, sample.Attributes);
        }
        _modules.Add(module);
    }

    private static void CheckSample(string owner, OpDefinition op, int index, OpSample? sample)
    {
        if (sample is null)
        {
            throw new ArgumentException($"{owner}: sample {index} is null.", nameof(op));
        }
        if (sample.InputShapes.Count != op.Inputs.Count)
        {
            throw new ArgumentException($"{owner}: sample {index} has {sample.InputShapes.Count} input shape(s) but the op takes {op.Inputs.Count} ({string.Join(", ", op.Inputs)}).", nameof(op));
        }
        foreach (var shape in sample.InputShapes)
        {
            CheckShape(owner, index, shape);
        }
        bool anyFloating = Enumerable.Range(0, op.Inputs.Count).Any(i => op.DeclaredDType(i) is null);
        if (sample.Differentiable is { } diff && (diff.Count != op.Inputs.Count || (anyFloating && !diff.Contains(true))))
        {
            throw new ArgumentException($"{owner}: sample {index} marks {diff.Count} input(s) as differentiable or not, but the op takes {op.Inputs.Count} and at least one must be differentiable.", nameof(op));
        }
        for (int i = 0; i < op.Inputs.Count; i++)
        {
            if (op.DeclaredDType(i) is not { } dtype)
            {
                continue;
            }
            if (sample.Differentiable is { } d && d[i])
            {
                throw new ArgumentException($"{owner}: sample {index} marks input '{op.Inputs[i]}' as differentiable, but it is declared {dtype}; only floating inputs have gradients.", nameof(op));
            }
            if (dtype != DType.Bool)
            {
                if (sample.IntegerRanges is null || !sample.IntegerRanges.TryGetValue(op.Inputs[i], out var r))
                {
                    throw new ArgumentException($"{owner}: sample {index} gives no IntegerRanges entry for input '{op.Inputs[i]}', declared {dtype}; say which values to draw, e.g. IntegerRanges = {{ [\"{op.Inputs[i]}\"] = (0, 5) }}.", nameof(op));
                }
                var (min, max) = dtype switch { DType.Int32 => ((long)int.MinValue, (long)int.MaxValue + 1), DType.UInt8 => (0L, 256L), _ => (long.MinValue, long.MaxValue) };
                if (!(r.Low < r.High) || r.Low < min || r.High > max)
                {
                    throw new ArgumentException($"{owner}: sample {index} has the integer range [{r.Low}, {r.High}) for input '{op.Inputs[i]}'; it must be non-empty (Low < High) and within {dtype}.", nameof(op));
                }
            }
        }
        foreach (var name in sample.IntegerRanges?.Keys ?? [])
        {
            if (!op.InputDTypes.TryGetValue(name, out var declared) || declared == DType.Bool)
            {
                throw new ArgumentException($"{owner}: sample {index} gives an integer range for '{name}', which is not an input the op declares integer (InputDTypes).", nameof(op));
            }
        }
        if (sample.ValueRange is { } range && !(range.Low < range.High && double.IsFinite(range.Low) && double.IsFinite(range.High)))
        {
            throw new ArgumentException($"{owner}: sample {index} has the value range ({range.Low}, {range.High}); it must be finite with Low < High.", nameof(op));
        }
        PluginAttributes.Merge($"{owner} sample {index}", op.Attributes, [], sample.Attributes);
    }

    /// <summary>Only inputs of the op, and only integer and bool dtypes: floating inputs follow the call's dtype.</summary>
    private static void CheckInputDTypes(string owner, OpDefinition op)
    {
        ArgumentNullException.ThrowIfNull(op.InputDTypes, nameof(op.InputDTypes));
        foreach (var (name, dtype) in op.InputDTypes)
        {
            if (!op.Inputs.Contains(name))
            {
                throw new ArgumentException($"{owner}: InputDTypes names '{name}', which is not one of its inputs ({string.Join(", ", op.Inputs)}).", nameof(op));
            }
            if (!Enum.IsDefined(dtype) || dtype.IsFloatingPoint())
            {
                throw new ArgumentException($"{owner}: input '{name}' is declared {dtype}; InputDTypes lists integer and bool inputs only (Int64, Int32, UInt8, Bool), floating inputs follow the call's dtype.", nameof(op));
            }
        }
    }

    private static void CheckShape(string owner, int index, int[] shape)
    {
        if (shape.Any(d => d < 1))
        {
            throw new ArgumentException($"{owner}: sample {index} has the shape [{string.Join(", ", shape)}]; sample sizes must be at least 1 so there is something to check.");
        }
    }

    private static void CheckAttributeNames(string owner, IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            if (!Names.IsAttributeName(name))
            {
                throw new ArgumentException($"{owner}: attribute name '{name}' is not valid; use {Names.AttributeRule}.");
            }
        }
    }
}
