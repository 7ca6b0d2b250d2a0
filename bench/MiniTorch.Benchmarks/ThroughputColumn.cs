using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace MiniTorch.Benchmarks;

/// <summary>
/// A derived-rate column (GFLOP/s, GB/s): the work one operation does divided by its median time. Each suite
/// says how much work a case does, so the figure is the same one the libtorch-baseline tool prints
/// (its metric at the median), and the two tables can be read side by side.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    private readonly Func<BenchmarkCase, double> _workPerOperation;
    private readonly double _unitScale;

    /// <param name="name">The column header, e.g. "GFLOP/s".</param>
    /// <param name="unitScale">Work units per displayed unit, e.g. 1e9 for GFLOP/s.</param>
    /// <param name="workPerOperation">Flops or bytes of one operation of the case.</param>
    public ThroughputColumn(string name, double unitScale, Func<BenchmarkCase, double> workPerOperation)
    {
        ColumnName = name;
        _unitScale = unitScale;
        _workPerOperation = workPerOperation;
    }

    public string Id => nameof(ThroughputColumn) + "." + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"{ColumnName} at the median time per operation";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        // ResultStatistics is already per operation (OperationsPerInvoke is divided out), in nanoseconds.
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null || stats.Median <= 0)
        {
            return "NA";
        }
        double perSecond = _workPerOperation(benchmarkCase) / (stats.Median * 1e-9);
        return (perSecond / _unitScale).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}
