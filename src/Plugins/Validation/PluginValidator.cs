using MiniTorch.NN;

namespace MiniTorch.Plugins;

/// <summary>
/// Validates everything a plugin registers: every op with <see cref="OpCheck"/>, and every module type by running
/// it in float64 on its samples and checking its gradients (input and parameters) against central differences.
/// The host runs it while loading when <see cref="PluginLoadOptions.RequireValidation"/> is set; plugin authors run
/// it in their own tests: <c>PluginValidator.Validate(new MyPlugin()).ThrowIfFailed();</c>
/// </summary>
public static class PluginValidator
{
    /// <summary>Registers <paramref name="plugin"/> into a fresh registrar and validates what it adds, without loading anything.</summary>
    public static OpCheckReport Validate(IMiniTorchPlugin plugin, OpCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        string name = plugin.GetType().GetCustomAttributes(typeof(MiniTorchPluginAttribute), inherit: false).OfType<MiniTorchPluginAttribute>().FirstOrDefault()?.Name ?? plugin.GetType().Name;
        var registrar = new PluginRegistrar(name);
        plugin.Register(registrar);
        return Validate(registrar.Ops, registrar.Modules, options ?? OpCheckOptions.Default);
    }

    /// <summary>Validates the ops and module types that <paramref name="host"/> has loaded from plugin <paramref name="pluginName"/>.</summary>
    public static OpCheckReport Validate(PluginHost host, string pluginName, OpCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var plugin = host.Get(pluginName);
        return Validate(
            plugin.OpNames.Select(host.Ops.Definition).ToArray(),
            plugin.ModuleNames.Select(host.Modules.Definition).ToArray(),
            options ?? OpCheckOptions.Default);
    }

    internal static OpCheckReport Validate(IReadOnlyList<OpDefinition> ops, IReadOnlyList<ModuleDefinition> modules, OpCheckOptions options)
    {
        var outcomes = new List<OpCheckOutcome>();
        foreach (var op in ops)
        {
            outcomes.AddRange(OpCheck.Run(op, options).Outcomes);
        }
        foreach (var module in modules)
        {
            for (int s = 0; s < module.Samples.Count; s++)
            {
                ValidateModule(module, s, options, outcomes);
            }
        }
        return new OpCheckReport(outcomes);
    }

    private static void ValidateModule(ModuleDefinition definition, int index, OpCheckOptions options, List<OpCheckOutcome> outcomes)
    {
        var sample = definition.Samples[index];
        string target = $"module '{definition.Name}'";
        void Record(OpCheckTest test, string? failure) => outcomes.Add(new OpCheckOutcome(target, test, index, sample.ToString(), failure));

        Module module;
        Tensor input;
        try
        {
            var attributes = PluginAttributes.Merge(target, definition.Attributes, definition.RequiredAttributes, sample.Attributes);
            module = (definition.Create(attributes) ?? throw new InvalidOperationException("Create returned null instead of a Module.")).To(DType.Float64);
            input = Tensor.Randn(sample.InputShape, DType.Float64, new Generator(options.Seed + index), requiresGrad: true);
            var output = module.Call(input);
            if (output.DType != DType.Float64)
            {
                Record(OpCheckTest.ModuleForward, $"the module returned a {output.DType} tensor after To(Float64) for a float64 input; it must follow its parameters' dtype.");
                return;
            }
            Record(OpCheckTest.ModuleForward, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Record(OpCheckTest.ModuleForward, $"threw {e.GetType().Name}: {e.Message}");
            return;
        }
        if (!options.Runs(OpCheckTest.ModuleGradCheck))
        {
            return;
        }
        try
        {
            // Parameters are passed as extra GradCheck inputs: GradCheck perturbs their storage in place, which the module reads.
            Tensor[] inputs = [input, .. module.Parameters().Where(p => p.RequiresGrad)];
            GradCheck.Check(x => (Tensor)module.Call(x[0]), inputs, options.Eps, options.Atol, options.Rtol);
            Record(OpCheckTest.ModuleGradCheck, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Record(OpCheckTest.ModuleGradCheck, e is GradCheckException ? e.Message : $"threw {e.GetType().Name}: {e.Message}");
        }
    }
}
