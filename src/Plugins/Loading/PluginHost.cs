namespace MiniTorch.Plugins;

/// <summary>
/// Loads plugins and holds what they provide: <see cref="Ops"/> and <see cref="Modules"/>. Each plugin gets its
/// own collectible load context that shares MiniTorch's assemblies with the host (one type identity) and resolves
/// the plugin's own dependencies from its folder; a plugin that cannot be loaded leaves the host as it was.
/// </summary>
/// <example>
/// <code>
/// using var host = new PluginHost();
/// host.Load("plugins/ActivationsPlugin/ActivationsPlugin.dll");
/// var y = host.Ops.Invoke("swish", x);
/// foreach (var op in host.Ops.List()) Console.WriteLine(op);   // swish(input) from activations 1.0.0
/// </code>
/// </example>
public sealed class PluginHost : IDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _plugins = new(StringComparer.Ordinal);

    /// <summary>The process-wide host behind the static <see cref="Plugins.Ops"/> facade.</summary>
    public static PluginHost Default { get; } = new();

    /// <summary>The MiniTorch version plugins are checked against: the version of the core assembly <c>MiniTorch</c>.</summary>
    public static Version MiniTorchVersion { get; } = VersionRange.Normalize(typeof(Tensor).Assembly.GetName().Version ?? new Version(0, 0));

    /// <summary>The ops of the loaded plugins.</summary>
    public OpRegistry Ops { get; } = new();

    /// <summary>The module types of the loaded plugins.</summary>
    public ModuleRegistry Modules { get; } = new();

    /// <summary>The loaded plugins, by name.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins
    {
        get
        {
            lock (_lock)
            {
                return _plugins.Values.Select(e => e.Info).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>The loaded plugin named <paramref name="name"/>.</summary>
    public LoadedPlugin Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            return _plugins.TryGetValue(name, out var entry)
                ? entry.Info
                : throw new KeyNotFoundException($"No plugin named '{name}' is loaded; loaded plugins: {(_plugins.Count == 0 ? "(none)" : string.Join(", ", _plugins.Keys.Order(StringComparer.Ordinal)))}.");
        }
    }

    /// <summary>
    /// Loads the plugin whose main assembly is <paramref name="path"/>, with its dependencies from the same folder.
    /// Throws <see cref="PluginLoadException"/> (file, reason, what to do) if it cannot; the host is then unchanged.
    /// </summary>
    public LoadedPlugin Load(string path, PluginLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= PluginLoadOptions.Default;
        // LoadFromAssemblyPath needs an absolute path, and one spelling per file makes "already loaded" reliable.
        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new PluginLoadException(fullPath, PluginLoadFailure.FileNotFound, "this is a folder, not a plugin assembly; pass the plugin's .dll, or use LoadFolder to load every plugin in a folder.");
        }
        if (!File.Exists(fullPath))
        {
            throw new PluginLoadException(fullPath, PluginLoadFailure.FileNotFound, "the file does not exist.");
        }
        // One load at a time: the name checks below must see every plugin loaded before this one.
        lock (_lock)
        {
            if (_plugins.Values.FirstOrDefault(e => e.Info.FilePath == fullPath) is { } same)
            {
                throw new PluginLoadException(fullPath, PluginLoadFailure.AlreadyLoaded, $"it is already loaded as plugin '{same.Info.Name}'.");
            }
            var prepared = PluginLoader.Prepare(fullPath, name => _plugins.TryGetValue(name, out var e) ? e.Info : null);
            try
            {
                CheckNamesAreFree(prepared);
                OpCheckReport? report = null;
                if (options.RequireValidation)
                {
                    report = PluginValidator.Validate(prepared.Ops, prepared.Modules, options.Validation);
                    if (!report.Passed)
                    {
                        throw new PluginLoadException(fullPath, PluginLoadFailure.ValidationFailed,
                            $"plugin '{prepared.Name}' failed validation, so nothing of it was registered. {report.Failures.Count} check(s) failed:{Environment.NewLine}" +
                            string.Join(Environment.NewLine, report.Failures.Select(f => "  " + f)) +
                            $"{Environment.NewLine}Fix the op, or load with new PluginLoadOptions {{ RequireValidation = false }} to investigate it with OpCheck.",
                            validation: report);
                    }
                }
                var info = new LoadedPlugin(prepared.Name, prepared.Version, prepared.SupportedVersions, fullPath,
                    prepared.Ops.Select(o => o.Name).ToArray(), prepared.Modules.Select(m => m.Name).ToArray(), report);
                Ops.Add(info, prepared.Ops);
                Modules.Add(info, prepared.Modules);
                LoadedPluginOps.Add(info, prepared.Ops);
                _plugins.Add(info.Name, new Entry(info, prepared.Context));
                return info;
            }
            catch
            {
                prepared.Context.Unload();
                throw;
            }
        }
    }

    /// <summary>
    /// Loads every plugin in <paramref name="folder"/>: each subfolder <c>Name/</c> holding <c>Name.dll</c> (a plugin's
    /// build output, with its dependencies), and each <c>.dll</c> directly in the folder. A plugin that fails is
    /// reported in the result and the others still load.
    /// </summary>
    public PluginFolderLoadResult LoadFolder(string folder, PluginLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string fullPath = Path.GetFullPath(folder);
        if (!Directory.Exists(fullPath))
        {
            throw new DirectoryNotFoundException($"Plugin folder '{fullPath}' does not exist.");
        }
        var candidates = Directory.GetFiles(fullPath, "*.dll").Order(StringComparer.Ordinal).ToList();
        candidates.AddRange(Directory.GetDirectories(fullPath).Order(StringComparer.Ordinal).Select(d => Path.Combine(d, Path.GetFileName(d) + ".dll")));
        var loaded = new List<LoadedPlugin>();
        var failures = new List<PluginLoadException>();
        foreach (string candidate in candidates)
        {
            try
            {
                loaded.Add(Load(candidate, options));
            }
            catch (PluginLoadException e)
            {
                failures.Add(e.Failure == PluginLoadFailure.FileNotFound
                    ? new PluginLoadException(candidate, e.Failure, $"the folder '{Path.GetDirectoryName(candidate)}' has no {Path.GetFileName(candidate)}; a plugin's folder is named after its main assembly.")
                    : e);
            }
        }
        return new PluginFolderLoadResult(loaded, failures);
    }

    /// <summary>
    /// Removes the plugin's ops and module types and unloads its code. The runtime frees the code once nothing
    /// refers to it any more: graphs built with its ops (a tensor's <c>GradFn</c>) and modules created from it keep it
    /// alive until they are dropped. The returned reference turns dead when the code has been freed.
    /// </summary>
    public WeakReference Unload(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            if (!_plugins.Remove(name, out var entry))
            {
                throw new KeyNotFoundException($"No plugin named '{name}' is loaded, so it cannot be unloaded.");
            }
            Ops.Remove(entry.Info);
            Modules.Remove(entry.Info);
            LoadedPluginOps.Remove(entry.Info);
            entry.Info.IsLoaded = false;
            entry.Context.Unload();
            return new WeakReference(entry.Context);
        }
    }

    /// <summary>Unloads every plugin.</summary>
    public void Dispose()
    {
        foreach (var plugin in Plugins)
        {
            Unload(plugin.Name);
        }
    }

    private void CheckNamesAreFree(PreparedPlugin prepared)
    {
        foreach (var op in prepared.Ops)
        {
            if (Ops.Owner(op.Name) is { } owner)
            {
                throw new PluginLoadException(prepared.FilePath, PluginLoadFailure.DuplicateName,
                    $"plugin '{prepared.Name}' registers op '{op.Name}', which plugin {owner} already provides. Op names are shared by every plugin of a host: rename one of the ops, or unload '{owner.Name}' first.");
            }
        }
        foreach (var module in prepared.Modules)
        {
            if (Modules.Owner(module.Name) is { } owner)
            {
                throw new PluginLoadException(prepared.FilePath, PluginLoadFailure.DuplicateName,
                    $"plugin '{prepared.Name}' registers module type '{module.Name}', which plugin {owner} already provides. Rename one of them, or unload '{owner.Name}' first.");
            }
        }
    }

    private sealed record Entry(LoadedPlugin Info, PluginLoadContext Context);
}
