using System.Diagnostics;
using System.Text.Json;

namespace MiniTorch.Packages.Tests;

/// <summary>
/// What the consumer tests share, made once: every packable project packed into a temporary feed, under a version
/// no earlier run used; the templates installed from that feed's MiniTorch.Templates into a private template cache;
/// a project made from each template and a plugin host, in a temporary folder outside the repository (so none of the
/// repository's Directory.*.props or NuGet settings apply), all built with warnings as errors against a nuget.config
/// whose only MiniTorch source is the feed.
/// </summary>
/// <remarks>
/// NuGet extracts packages into a package folder of its own here (NUGET_PACKAGES), deleted afterwards, and the
/// version is unique to this run: no MiniTorch package from an earlier pack or from the machine's cache can stand in
/// for one of this feed, so a file missing from a package is missing from the build. Third-party packages come from
/// the machine's package folder (a read-only fallback) or nuget.org.
/// </remarks>
public sealed class PackagedConsumer : IDisposable
{
    public PackagedConsumer()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"minitorch-consumer-{Guid.NewGuid():N}"[..28]);
        if (Path.GetFullPath(Folder).StartsWith(Repository.Root, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the consumer folder {Folder} must be outside the repository {Repository.Root}");
        }
        Directory.CreateDirectory(Folder);
        Feed = Directory.CreateDirectory(Path.Combine(Folder, "feed")).FullName;
        var logs = Directory.CreateDirectory(Path.Combine(Folder, "logs")).FullName;
        // A prerelease of the repository's version: the templates must pin exactly this, and nothing cached can match it.
        Version = $"{Repository.MiniTorchVersion}-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        Cli = new DotnetCli(new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(Folder, "packages") }, logs);
        try
        {
            Pack();
            WriteIsolation();
            string hive = Path.Combine(Folder, "template-hive");
            Step("dotnet new install", () => Cli.Run(Folder, "new", "install", PackagePath("MiniTorch.Templates"), "--debug:custom-hive", hive));
            Step("dotnet new minitorch-train", () => Cli.Run(Folder, "new", "minitorch-train", "-n", "Train", "-o", TrainFolder, "--debug:custom-hive", hive));
            Step("dotnet new minitorch-plugin", () => Cli.Run(Folder, "new", "minitorch-plugin", "-n", "MyOps", "-o", PluginFolder, "--debug:custom-hive", hive));
            WriteHost();
            Step("dotnet build (4 projects)", () => Cli.Run(Folder, "build", "consumer.slnx", "-c", Repository.Configuration, "-warnaserror", "-nodeReuse:false"));
        }
        catch (Exception e)
        {
            // The folder is kept: its logs/ has every command's full output.
            throw new InvalidOperationException($"Setting up the package consumer failed (its files and logs are kept in {Folder}): {e.Message}", e);
        }
    }

    /// <summary>The temporary folder holding everything.</summary>
    public string Folder { get; }

    /// <summary>The folder the packages were packed into: the only MiniTorch source of the consumer projects.</summary>
    public string Feed { get; }

    /// <summary>The version the packages were packed with.</summary>
    public string Version { get; }

    /// <summary>The CLI, with the consumer's environment.</summary>
    public DotnetCli Cli { get; }

    /// <summary>The project made by <c>dotnet new minitorch-train -n Train</c>.</summary>
    public string TrainFolder => Path.Combine(Folder, "Train");

    /// <summary>The solution made by <c>dotnet new minitorch-plugin -n MyOps</c>.</summary>
    public string PluginFolder => Path.Combine(Folder, "MyOps");

    /// <summary>The plugin host (tests/MiniTorch.Packages.Tests/Consumer/Host).</summary>
    public string HostFolder => Path.Combine(Folder, "Host");

    /// <summary>The build output folder of a consumer project.</summary>
    public string OutputOf(string projectFolder) => Path.Combine(projectFolder, "bin", Repository.Configuration, "net10.0");

    /// <summary>How long each step of the set-up took.</summary>
    public List<(string Step, TimeSpan Duration)> Timings { get; } = [];

    /// <summary>The .nupkg of <paramref name="id"/> in the feed.</summary>
    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    private void Pack()
    {
        // One pack of every packable project (through a solution filter), from the build this test project's
        // references made: the same configuration, no second build.
        var projects = Repository.PackableProjects().Select(p => Path.GetRelativePath(Repository.Root, p)).ToArray();
        string filter = Path.Combine(Folder, "packages.slnf");
        File.WriteAllText(filter, JsonSerializer.Serialize(new { solution = new { path = Path.Combine(Repository.Root, "MiniTorch.sln"), projects } }));
        Step("dotnet pack", () => Cli.Run(Repository.Root, "pack", filter, "-c", Repository.Configuration, "--no-build", "-o", Feed,
            $"-p:PackageVersion={Version}", "-nodeReuse:false"));
    }

    private void WriteIsolation()
    {
        // Empty Directory.Build.props/.targets and Directory.Packages.props stop MSBuild's search for them here, so
        // nothing above the temporary folder (a developer's own) applies either.
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(Folder, name), "<Project />\n");
        }
        // The machine's own package folder (where the repository's restore put the third-party packages).
        string machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(Folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="minitorch-feed" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <!-- MiniTorch's packages from the feed only; everything else from nuget.org. -->
              <packageSourceMapping>
                <packageSource key="minitorch-feed">
                  <package pattern="MiniTorch" />
                  <package pattern="MiniTorch.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }

    private void WriteHost()
    {
        Directory.CreateDirectory(HostFolder);
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Consumer", "Host")))
        {
            string text = File.ReadAllText(file).Replace("@MINITORCH_VERSION@", Version, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(HostFolder, Path.GetFileName(file)), text);
        }
        File.WriteAllText(Path.Combine(Folder, "consumer.slnx"), """
            <Solution>
              <Project Path="Train/Train.csproj" />
              <Project Path="MyOps/MyOps/MyOps.csproj" />
              <Project Path="MyOps/MyOps.Tests/MyOps.Tests.csproj" />
              <Project Path="Host/Host.csproj" />
            </Solution>
            """);
    }

    private void Step(string name, Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        Timings.Add((name, clock.Elapsed));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A build server still holding a file: the folder is in the temporary directory and carries a unique name.
        }
    }
}
