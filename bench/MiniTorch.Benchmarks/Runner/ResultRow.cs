namespace MiniTorch.Benchmarks.Runner;

/// <summary>
/// One result line, in the baseline tool's JSON fields so <c>compare-bench.py</c> pairs rows by (bench, case).
/// <see cref="Metric"/> is the throughput at the median time, <see cref="MetricBest"/> at the min time.
/// </summary>
internal sealed record ResultRow(string Bench, string Case, Stats S, string Unit, double Scale, double? Metric, double? MetricBest, string MetricUnit, string? Note = null)
{
    public static string Header =>
        $"{"benchmark",-16} {"case",-26} {"median",9} {"unit",-6} {"min",9} {"max",9} {"metric@med",11} {"@min",9} {"",-10} reps x inner";

    public string Format() =>
        $"{Bench,-16} {Case,-26} {S.Med * Scale,9:G4} {Unit,-6} {S.Min * Scale,9:G4} {S.Max * Scale,9:G4} " +
        $"{Fmt(Metric),11} {Fmt(MetricBest),9} {MetricUnit,-10} {S.Reps} x {S.Inner}" + (Note is null ? "" : $"  ({Note})");

    private static string Fmt(double? v) => v is double m ? (m >= 1e5 ? m.ToString("F0") : m.ToString("G4")) : "";

    public Dictionary<string, object?> ToJson()
    {
        var d = new Dictionary<string, object?>
        {
            ["bench"] = Bench,
            ["case"] = Case,
            ["median_s"] = S.Med,
            ["min_s"] = S.Min,
            ["max_s"] = S.Max,
            ["reps"] = S.Reps,
            ["inner_iterations"] = S.Inner,
            ["display_unit"] = Unit,
            ["median_display"] = S.Med * Scale,
            ["metric_at_median"] = Metric,
            ["metric_at_min"] = MetricBest,
            ["metric_unit"] = MetricUnit,
        };
        if (Note is not null)
        {
            d["note"] = Note;
        }
        return d;
    }
}
