using System.Runtime.CompilerServices;
using MiniTorch.OpDatabase;
using MiniTorch.Tests.Golden;

namespace MiniTorch.Tests.TableDriven;

/// <summary>
/// The golden generator reads the table through the committed <c>op-table.json</c>: it must say what the C# table
/// says, and <c>ops.json</c> must hold exactly the table's golden cases (regenerated after the manifest changed).
/// </summary>
public class OpTableManifestTests
{
    [Fact]
    public void OpTableManifestIsUpToDate()
    {
        string expected = ManifestJson.Write(OpTable.All);
        if (Environment.GetEnvironmentVariable("MINITORCH_WRITE_OP_TABLE") == "1")
        {
            // Regeneration mode: write the source copy (atomically), then compare it like any run.
            string source = SourceManifestPath();
            File.WriteAllText(source + ".tmp", expected);
            File.Move(source + ".tmp", source, overwrite: true);
            Assert.Equal(expected, File.ReadAllText(source));
            return;
        }
        string committed = Path.Combine(AppContext.BaseDirectory, ManifestJson.FileName);
        Assert.True(File.Exists(committed), $"{ManifestJson.FileName} is missing next to the tests. {ManifestJson.RegenerateHint}");
        Assert.True(expected == File.ReadAllText(committed),
            $"tests/MiniTorch.OpDatabase/{ManifestJson.FileName} is out of date with the op table. {ManifestJson.RegenerateHint}");
    }

    [Fact]
    public void GoldenFileHoldsExactlyTheTableGoldenCases()
    {
        var table = OpTable.All
            .SelectMany(op => op.Samples.Where(s => s.GoldenName is not null).Select(s => (Op: op, Sample: s)))
            .ToDictionary(x => x.Sample.GoldenName!, StringComparer.Ordinal);
        var golden = GoldenData.Ops.Cases;
        string hint = "regenerate ops.json with `/usr/bin/python3 tools/golden/generate_golden.py` after updating op-table.json";
        Assert.True(table.Keys.Except(golden.Keys).ToArray() is [], $"golden samples without PyTorch data: {string.Join(", ", table.Keys.Except(golden.Keys))}; {hint}");
        Assert.True(golden.Keys.Except(table.Keys).ToArray() is [], $"ops.json cases no table row has: {string.Join(", ", golden.Keys.Except(table.Keys))}; {hint}");
        foreach (var (name, c) in golden)
        {
            var (op, sample) = table[name];
            Assert.Equal(op.GoldenKey, c.GetProperty("op").GetString());
            Assert.Equal(ManifestJson.Format(sample.Args), ManifestJson.Format(OpArgs.FromJson(c.GetProperty("params"))));
            var inputs = c.GetProperty("inputs").EnumerateArray().ToArray();
            Assert.Equal(sample.InputCount, inputs.Length);
            var made = sample.MakeInputs(0, requiresGrad: false);
            for (int i = 0; i < inputs.Length; i++)
            {
                Assert.Equal(made[i].Shape, GoldenTensor.IntArray(inputs[i].GetProperty("shape")));
                Assert.Equal(sample.RequiresGrad?[i] ?? true, inputs[i].GetProperty("requires_grad").GetBoolean());
            }
        }
    }

    [Fact]
    public void EveryGoldenKeyOfTheTableHasGoldenCases()
    {
        var keys = GoldenData.Ops.Cases.Values.Select(c => c.GetProperty("op").GetString()).ToHashSet();
        var missing = OpTable.All.Where(op => op.GoldenKey is not null && !keys.Contains(op.GoldenKey)).Select(op => op.Name).ToArray();
        Assert.True(missing.Length == 0, "rows with a golden key but no golden case: " + string.Join(", ", missing));
    }

    private static string SourceManifestPath([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "MiniTorch.OpDatabase", ManifestJson.FileName));
}
