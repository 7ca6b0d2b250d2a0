using System.Text.RegularExpressions;
using MiniTorch.Plugins;

namespace MiniTorch.Onnx;

/// <summary>
/// The ops of loaded plugins as a source of custom-domain ops for the importer (<see cref="OnnxImportOptions.CustomOps"/>;
/// the default is <see cref="AllLoaded"/>). A node <c>domain::opType</c> maps to the plugin op named
/// <c>opType</c> whose lowering is <see cref="OnnxOpLowering.Function"/> in that domain (by default the plugin's name),
/// so a model exported with the plugin imports back as calls of the plugin's own op: its forward, its backward, its
/// attributes. Ops lowered with <see cref="OnnxOpLowering.Compose"/> left no node of their own in the graph; they import
/// as the standard operators they were written with.
/// </summary>
/// <example><code>
/// using var host = new PluginHost();
/// host.Load("plugins/ActivationsPlugin/ActivationsPlugin.dll");
/// var model = OnnxImporter.Import("model.onnx");   // activations::softplus nodes run the plugin's softplus
/// var strict = OnnxImporter.Import("model.onnx", new OnnxImportOptions { CustomOps = [new PluginOnnxOps(host)] });
/// </code></example>
public sealed partial class PluginOnnxOps : IOnnxCustomOps
{
    /// <summary>
    /// The prefix of the model metadata (<c>metadata_props</c>) the exporter writes for each plugin op lowered as a
    /// function: key <c>minitorch.plugin_op.domain::op</c>, value <c>plugin version (assembly file)</c>, e.g.
    /// <c>activations 1.0.0 (ActivationsPlugin.dll)</c>. The import error for a missing plugin names it from there.
    /// </summary>
    public const string MetadataPrefix = "minitorch.plugin_op.";

    private readonly PluginHost? _host;

    /// <summary>The ops of every plugin loaded in any <see cref="PluginHost"/> of the process (the exporter's rule).</summary>
    public PluginOnnxOps()
    {
    }

    /// <summary>Only the ops of the plugins loaded in <paramref name="host"/>.</summary>
    public PluginOnnxOps(PluginHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
    }

    /// <summary>The ops of every plugin loaded in any host: the importer's default.</summary>
    public static PluginOnnxOps AllLoaded { get; } = new();

    /// <inheritdoc />
    public OnnxCustomOp? Find(string domain, string opType)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(opType);
        (LoadedPlugin Plugin, OpDefinition Op)? found = null;
        foreach (var entry in Entries())
        {
            if (entry.Op.Name != opType || FunctionDomain(entry) != domain)
            {
                continue;
            }
            if (found is { } first && (first.Plugin.Name != entry.Plugin.Name || first.Plugin.Version != entry.Plugin.Version))
            {
                throw new OnnxImportException($"{domain}::{opType} is provided by two loaded plugins, {first.Plugin} and {entry.Plugin}; import with OnnxImportOptions.CustomOps = [new PluginOnnxOps(host)] for the host that holds the one the model was exported with.");
            }
            found ??= entry;
        }
        if (found is not var (plugin, op))
        {
            return null;
        }
        return new OnnxCustomOp($"op '{op.Name}' of plugin {plugin}", op.Inputs.Count, op.Attributes, op.OnnxLowering!.DomainVersion,
            (inputs, attributes) => op.Apply(inputs, attributes));
    }

    /// <inheritdoc />
    public string? ExplainMissing(string domain, string opType, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(opType);
        ArgumentNullException.ThrowIfNull(metadata);
        string where = _host is null ? "in any PluginHost" : "in the PluginHost given to PluginOnnxOps";
        // What the model says it was exported with, else the default domain, which is the plugin's name.
        string pluginName = domain;
        string load = "host.Load(\"…/<Plugin>.dll\")";
        string exported = $"By default a plugin's function domain is its name, so it would be a plugin named '{domain}'";
        if (metadata.TryGetValue(MetadataPrefix + domain + "::" + opType, out var provenance) && ProvenancePattern().Match(provenance) is { Success: true } m)
        {
            pluginName = m.Groups[1].Value;
            load = $"host.Load(\"…/{m.Groups[3].Value}\")";
            exported = $"The model was exported with op '{opType}' of plugin {provenance}";
        }
        var loaded = Entries().Where(e => e.Plugin.Name == pluginName).ToList();
        string state;
        if (loaded.Count == 0)
        {
            state = $"no plugin '{pluginName}' is loaded {where}";
        }
        else if (loaded.FirstOrDefault(e => e.Op.Name == opType) is { Op: not null } same)
        {
            string lowering = same.Op.OnnxLowering is null ? "declares no ONNX lowering"
                : same.Op.OnnxLowering.Kind == OnnxLoweringKind.Compose ? "is lowered as a composition of standard operators"
                : $"is lowered as a function of domain '{FunctionDomain(same)}'";
            state = $"the loaded plugin {same.Plugin} has op '{opType}', but it {lowering} (another version of the plugin is loaded)";
        }
        else
        {
            state = $"the loaded plugin {loaded[0].Plugin} has no op '{opType}' (another version of the plugin is loaded)";
        }
        return $"{exported}; {state}. Load it into a PluginHost before importing ({load}, or host.LoadFolder(\"plugins\")), " +
            "or pass the host that has it: OnnxImportOptions.CustomOps = [new PluginOnnxOps(host)].";
    }

    /// <summary>The metadata value the exporter writes for a plugin op lowered as a function.</summary>
    internal static string Provenance(LoadedPlugin plugin) => $"{plugin.Name} {VersionRange.Format(plugin.Version)} ({Path.GetFileName(plugin.FilePath)})";

    private IEnumerable<(LoadedPlugin Plugin, OpDefinition Op)> Entries()
    {
        var all = LoadedPluginOps.List();
        if (_host is null)
        {
            return all;
        }
        var mine = new HashSet<LoadedPlugin>(_host.Plugins, ReferenceEqualityComparer.Instance);
        return all.Where(e => mine.Contains(e.Plugin));
    }

    private static string? FunctionDomain((LoadedPlugin Plugin, OpDefinition Op) entry) =>
        entry.Op.OnnxLowering is { Kind: OnnxLoweringKind.Function } lowering ? lowering.Domain ?? entry.Plugin.Name : null;

    [GeneratedRegex(@"^(\S+) (\S+) \((.+)\)$")]
    private static partial Regex ProvenancePattern();
}
