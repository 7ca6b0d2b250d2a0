using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MiniTorch.Packages.Tests;

/// <summary>The files and metadata of every package the repository packs.</summary>
[Collection(ConsumerCollection.Name)]
public sealed partial class PackageContentTests(PackagedConsumer consumer)
{
    private const string TargetFramework = "net10.0";

    [Fact]
    public void EveryPackableProjectIsPackedAndNothingElse()
    {
        var expected = Repository.PackableProjects().Select(Repository.PackageId).Order(StringComparer.Ordinal).ToArray();
        var packed = Directory.GetFiles(consumer.Feed, "*.nupkg").Select(p => Path.GetFileName(p)[..^$".{consumer.Version}.nupkg".Length])
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, packed);
        Assert.Contains("MiniTorch.Templates", packed);
        Assert.Contains("MiniTorch", packed);
    }

    [Fact]
    public void EveryLibraryPackageCarriesItsAssemblyDocsReadmeLicenceAndSymbols()
    {
        foreach (string id in LibraryIds())
        {
            using var package = ZipFile.OpenRead(consumer.PackagePath(id));
            var files = Entries(package);
            foreach (string file in new[] { $"lib/{TargetFramework}/{id}.dll", $"lib/{TargetFramework}/{id}.xml", "README.md", "LICENSE" })
            {
                Assert.True(files.Contains(file), $"{id}: the package has no {file}; it has {string.Join(", ", files.Order())}");
            }
            Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "LICENSE")), Read(package, "LICENSE"));

            var metadata = Nuspec(package);
            Assert.Equal(consumer.Version, Field(metadata, "version"));
            Assert.Equal("MiniTorch contributors", Field(metadata, "authors"));
            Assert.Equal("README.md", Field(metadata, "readme"));
            var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
            Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
            string description = Field(metadata, "description");
            Assert.True(description.Length > 40 && description != "Package Description", $"{id}: description '{description}'");
            Assert.False(string.IsNullOrWhiteSpace(Field(metadata, "tags")), $"{id}: no tags");
            // Another MiniTorch package it depends on is the one of this very pack.
            foreach (var dependency in metadata.Descendants().Where(e => e.Name.LocalName == "dependency" && ((string)e.Attribute("id")!).StartsWith("MiniTorch", StringComparison.Ordinal)))
            {
                Assert.Equal(consumer.Version, (string?)dependency.Attribute("version"));
            }

            string symbols = Path.ChangeExtension(consumer.PackagePath(id), ".snupkg");
            Assert.True(File.Exists(symbols), $"{id}: no symbols package {Path.GetFileName(symbols)}");
            using var symbolPackage = ZipFile.OpenRead(symbols);
            Assert.Contains($"lib/{TargetFramework}/{id}.pdb", Entries(symbolPackage));
        }
    }

    [Fact]
    public void PluginsPackageCarriesTheBuildTargetsAPluginProjectNeeds()
    {
        using var package = ZipFile.OpenRead(consumer.PackagePath("MiniTorch.Plugins"));
        string source = File.ReadAllText(Path.Combine(Repository.Root, "src", "Plugins", "build", "MiniTorch.Plugins.targets"));
        Assert.Equal(source, Read(package, "build/MiniTorch.Plugins.targets"));
        Assert.Equal(source, Read(package, "buildTransitive/MiniTorch.Plugins.targets"));
    }

    [Fact]
    public void TensorBoardPackageCarriesTheLicenceOfItsProtoFiles()
    {
        using var package = ZipFile.OpenRead(consumer.PackagePath("MiniTorch.TensorBoard"));
        Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "src", "TensorBoard", "Protos", "LICENSE")), Read(package, "licenses/TensorBoard/LICENSE"));
    }

    [Fact]
    public void TemplatePackageCarriesEveryTemplateFileWithItsVersionsFilledIn()
    {
        using var package = ZipFile.OpenRead(consumer.PackagePath("MiniTorch.Templates"));
        var files = Entries(package);
        var metadata = Nuspec(package);
        Assert.Equal("Template", (string?)metadata.Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name"));
        Assert.Equal(consumer.Version, Field(metadata, "version"));
        Assert.Contains("README.md", files);
        Assert.Contains("LICENSE", files);
        Assert.DoesNotContain(files, f => f.StartsWith("lib/", StringComparison.Ordinal));

        string content = Path.Combine(Repository.Root, "templates", "MiniTorch.Templates", "content");
        var sources = Directory.GetFiles(content, "*", SearchOption.AllDirectories)
            .Select(f => "content/" + Path.GetRelativePath(content, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Append("content/minitorch-train/Fonts/DejaVuSans.ttf")
            .Append("content/minitorch-train/Fonts/DejaVuSans-LICENSE.txt");
        foreach (string file in sources)
        {
            Assert.True(files.Contains(file), $"MiniTorch.Templates has no {file}");
        }
        foreach (var entry in package.Entries.Where(e => e.FullName.StartsWith("content/", StringComparison.Ordinal) && !e.FullName.EndsWith(".ttf", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            var token = Token().Match(reader.ReadToEnd());
            Assert.False(token.Success, $"{entry.FullName} still holds the placeholder {token.Value}");
        }
    }

    private static IEnumerable<string> LibraryIds() =>
        Repository.PackableProjects().Where(p => p.StartsWith(Path.Combine(Repository.Root, "src"), StringComparison.Ordinal)).Select(Repository.PackageId);

    private static HashSet<string> Entries(ZipArchive package) => package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

    private static string Read(ZipArchive package, string name)
    {
        var entry = package.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"the package has no {name}");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Field(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? throw new Xunit.Sdk.XunitException($"the nuspec has no <{name}>");

    [GeneratedRegex("@[A-Z_]+@")]
    private static partial Regex Token();
}
