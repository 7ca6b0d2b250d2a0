using System.Text.Json;
using Xunit.Abstractions;

namespace MiniTorch.Tests.Ops;

/// <summary>
/// MiniTorch's float32 reductions against PyTorch's on the same large inputs (Golden/reduction_accuracy.json, written
/// by tools/golden/generate_reduction_accuracy.py with PyTorch 1.13): each must be within 1e-6 relative of the exact
/// value, or at least as close as PyTorch. The inputs are formulas both sides compute bit for bit.
/// </summary>
public class ReductionAccuracyGoldenTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryCase_IsAsAccurateAsPyTorchOrWithin1e6()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", "reduction_accuracy.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var tenths = Tensor.Full([10_000_000], 0.1);
        var offset = OffsetData(1_000_000);
        var reversed = offset.ToFloatArray();
        Array.Reverse(reversed);
        var pairs = Tensor.Stack([Tensor.FromArray(offset.ToFloatArray()), Tensor.FromArray(reversed)], 1);
        var ours = new Dictionary<string, double>
        {
            ["Full([1e7], 0.1).Sum()"] = tenths.Sum().Item(),
            ["Full([1e7, 2], 0.1).Sum(0)"] = Tensor.Full([10_000_000, 2], 0.1).Sum(0).ToDoubleArray()[0],
            ["Full([1e7], 0.1).Mean()"] = tenths.Mean().Item(),
            ["(10000 + √12·u).Var(), n = 1e6"] = offset.Var().Item(),
            ["[1e6, 2] of 10000 + √12·u, Var(0)"] = pairs.Var(0).ToDoubleArray()[0],
            ["Dot(Full([1e7], 0.1), Ones([1e7]))"] = Tensor.Dot(tenths, Tensor.Ones(10_000_000)).Item(),
            ["Full([1e7], 0.1).Norm()"] = tenths.Norm().Item(),
        };
        int checkedCases = 0;
        output.WriteLine("| computation (float32) | exact | PyTorch | rel. error | MiniTorch | rel. error |");
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            double exact = c.GetProperty("exact").GetDouble();
            double torch = c.GetProperty("pytorch").GetDouble();
            double mine = ours[name];
            double torchError = Math.Abs(torch - exact) / Math.Abs(exact);
            double error = Math.Abs(mine - exact) / Math.Abs(exact);
            output.WriteLine($"| `{name}` | {exact:R} | {torch:R} | {torchError:E1} | {mine:R} | {error:E1} |");
            Assert.True(error <= Math.Max(1e-6, torchError), $"{name}: MiniTorch {mine} (error {error:E2}), PyTorch {torch} (error {torchError:E2}), exact {exact}");
            checkedCases++;
        }
        Assert.Equal(ours.Count, checkedCases);
    }

    /// <summary>10000 + √12·uᵢ in float32, uᵢ = ((1664525·i + 1013904223) mod 2³²)/2³² − 0.5: exact in float64, as the generator computes it.</summary>
    private static Tensor OffsetData(int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            ulong r = (1664525UL * (ulong)i + 1013904223UL) % 4294967296UL;
            x[i] = (float)(10000.0 + 3.4641016151377544 * (r / 4294967296.0 - 0.5));
        }
        return Tensor.FromArray(x);
    }
}
