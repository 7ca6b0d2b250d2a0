using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MiniTorch.OpDatabase;

/// <summary>
/// Writes <c>op-table.json</c>: the golden-relevant facts of the table (each golden sample's case name, op key,
/// input descriptions, arguments, differentiable inputs, tolerance), one case per line, in table order. Hand-written
/// rather than serialized so a float stays a float (<c>2.0</c>, not <c>2</c>): the generator copies the arguments
/// into <c>ops.json</c> as Python reads them, and an int where PyTorch was given a float would change that file.
/// </summary>
public static class ManifestJson
{
    /// <summary>The manifest's file name, next to the OpDatabase project and copied next to the test assemblies.</summary>
    public const string FileName = "op-table.json";

    /// <summary>How to regenerate the manifest, for the message of the test that finds it out of date.</summary>
    public const string RegenerateHint =
        "Regenerate it from the C# table with `MINITORCH_WRITE_OP_TABLE=1 dotnet test tests/MiniTorch.Autograd.Tests --filter OpTableManifest`, " +
        "then run `/usr/bin/python3 tools/golden/generate_golden.py` if golden cases changed, and commit both.";

    /// <summary>The manifest text for <paramref name="ops"/>.</summary>
    public static string Write(IEnumerable<OpInfo> ops)
    {
        var sb = new StringBuilder();
        sb.Append("{\n\"generator\":\"tests/MiniTorch.OpDatabase (OpTable); do not edit, see ManifestJson.RegenerateHint\",\n\"cases\":[\n");
        bool first = true;
        foreach (var op in ops)
        {
            foreach (var s in op.Samples)
            {
                if (s.GoldenName is null)
                {
                    continue;
                }
                if (op.GoldenKey is null)
                {
                    throw new InvalidOperationException($"{op.Name}: golden sample {s.GoldenName} but the op has no GoldenKey");
                }
                if (!first)
                {
                    sb.Append(",\n");
                }
                first = false;
                sb.Append("{\"name\":").Append(String(s.GoldenName)).Append(",\"op\":").Append(String(op.GoldenKey));
                sb.Append(",\"inputs\":[").AppendJoin(",", s.Inputs.Select(Input(op, s))).Append(']');
                sb.Append(",\"params\":").Append(Format(s.Args));
                if (s.RequiresGrad is { } rg)
                {
                    sb.Append(",\"requires_grad\":[").AppendJoin(",", rg.Select(b => b ? "true" : "false")).Append(']');
                }
                if (s.GoldenAtol is double atol)
                {
                    sb.Append(",\"atol\":").Append(Number(atol));
                }
                sb.Append('}');
            }
        }
        sb.Append("\n]}\n");
        return sb.ToString();
    }

    private static Func<InputSpec, string> Input(OpInfo op, OpSample s) => spec => spec.IsGoldenExpressible
        ? spec.ToManifestJson()
        : throw new InvalidOperationException($"{op.Name}: golden sample {s.GoldenName} has a C#-only input {spec}");

    /// <summary>Arguments as a JSON object, in order.</summary>
    public static string Format(OpArgs args) =>
        "{" + string.Join(",", args.Select(kv => String(kv.Key) + ":" + Value(kv.Value))) + "}";

    /// <summary>A JSON number that Python reads back as the same float (always with a fraction or exponent).</summary>
    public static string Number(double x)
    {
        if (!double.IsFinite(x))
        {
            throw new ArgumentException("JSON has no literal for non-finite numbers; use the string \"inf\"", nameof(x));
        }
        string r = x.ToString("R", CultureInfo.InvariantCulture);
        return r.Contains('.') || r.Contains('E') ? r : r + ".0";
    }

    /// <summary>An int array as JSON.</summary>
    public static string Ints(int[] values) => "[" + string.Join(",", values) + "]";

    internal static string Optional(string name, double value, double defaultValue) =>
        value == defaultValue ? "" : $",\"{name}\":{Number(value)}";

    private static string String(string s) => JsonSerializer.Serialize(s);

    private static string DTypeField(DType dtype) => dtype switch
    {
        DType.Int64 => ",\"dtype\":\"int64\"",
        DType.Bool => ",\"dtype\":\"bool\"",
        _ => "",
    };

    private static string Value(object? v) => v switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => Number(d),
        string s => String(s),
        int[] a => Ints(a),
        TensorValue t => $"{{\"shape\":{Ints(t.Shape)},\"values\":[{string.Join(",", t.Values.Select(Number))}]{DTypeField(t.DType)}}}",
        IReadOnlyList<OpArgs> list => "[" + string.Join(",", list.Select(Format)) + "]",
        _ => throw new NotSupportedException(v.GetType().Name),
    };
}
