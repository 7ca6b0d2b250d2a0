using System.Reflection;
using System.Xml.Linq;

namespace MiniTorch.Packages.Tests;

/// <summary>Facts about the repository this test assembly was built from.</summary>
public static class Repository
{
    /// <summary>The repository's root folder (where MiniTorch.sln is).</summary>
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>The configuration this test assembly was built in: the packages are packed from the same build.</summary>
    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>The version of every MiniTorch package, from Directory.Build.props.</summary>
    public static string MiniTorchVersion { get; } =
        XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("MiniTorchVersion").Single().Value;

    /// <summary>The version Directory.Packages.props pins for <paramref name="package"/>.</summary>
    public static string PinnedVersion(string package) =>
        XDocument.Load(Path.Combine(Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == package).Attribute("Version")!.Value;

    /// <summary>The packable projects: every library under src/ and the template package.</summary>
    public static IReadOnlyList<string> PackableProjects() =>
        [.. new[] { "src", "templates" }
            .SelectMany(folder => Directory.GetDirectories(Path.Combine(Root, folder)))
            .SelectMany(project => Directory.GetFiles(project, "*.csproj"))
            .Order(StringComparer.Ordinal)];

    /// <summary>The package id of <paramref name="project"/>: its PackageId, else its AssemblyName, else its file name.</summary>
    public static string PackageId(string project)
    {
        var properties = XDocument.Load(project).Descendants().ToArray();
        return properties.FirstOrDefault(e => e.Name.LocalName == "PackageId")?.Value
            ?? properties.FirstOrDefault(e => e.Name.LocalName == "AssemblyName")?.Value
            ?? Path.GetFileNameWithoutExtension(project);
    }

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is missing");
}
