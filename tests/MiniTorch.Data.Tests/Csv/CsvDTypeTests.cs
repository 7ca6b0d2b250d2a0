namespace MiniTorch.Data.Tests.Csv;

/// <summary>Columns read as Int64 class labels, Int32 or Bool flags, with errors that name file, line, row and column.</summary>
public sealed class CsvDTypeTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private DataFormatException Fails(string text, CsvDatasetOptions options)
    {
        var path = _files.Write("typed.csv", text);
        var e = Assert.Throws<DataFormatException>(() => new CsvDataset(path, options));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path, e.Message);
        return e;
    }

    [Fact]
    public void Int64TargetsAreClassLabelsWhileFeaturesStayFloat()
    {
        var path = _files.Write("iris.csv", "x,y,label\n0.5,1,2\n1.5,-2, 0\n2.5,3,+1\n-1,0,9007199254740993\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { TargetColumns = ["label"], TargetDType = DType.Int64 });
        Assert.Equal(DType.Float32, ds.Features.DType);
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, -2, 2.5f, 3, -1, 0 }, ds.Features.ToArray<float>());
        Assert.Equal(DType.Int64, ds.Targets!.DType);
        Assert.Equal([4], ds.Targets.Shape);
        // 2^53 + 1 has no float64: read as an integer it stays exact.
        Assert.Equal(new long[] { 2, 0, 1, 9007199254740993 }, ds.Targets.ToArray<long>());
        var (x, y) = ds[1];
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal(0L, y.ToArray<long>()[0]);
    }

    [Fact]
    public void TheDefaultStaysFloat32ForFeaturesAndTargets()
    {
        var path = _files.Write("plain.csv", "a,b\n1,2\n3,4\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { TargetColumns = [-1] });
        Assert.Equal(DType.Float32, ds.Features.DType);
        Assert.Equal(DType.Float32, ds.Targets!.DType);
        Assert.Equal(new float[] { 2, 4 }, ds.Targets.ToArray<float>());
    }

    [Fact]
    public void BoolAndInt32ColumnsAndIntegerFeatures()
    {
        var path = _files.Write("flags.csv", "a,b,flag,other\n1,2,true,0\n3,-4,FALSE,1\n5,6, 1 ,True\n7,8,0,false\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { FeatureColumns = [0, 1], TargetColumns = ["flag", "other"], DType = DType.Int32, TargetDType = DType.Bool });
        Assert.Equal(DType.Int32, ds.Features.DType);
        Assert.Equal(new[] { 1, 2, 3, -4, 5, 6, 7, 8 }, ds.Features.ToArray<int>());
        Assert.Equal(DType.Bool, ds.Targets!.DType);
        Assert.Equal([4, 2], ds.Targets.Shape);
        Assert.Equal(new[] { true, false, false, true, true, true, false, false }, ds.Targets.ToArray<bool>());
        var all = new CsvDataset(_files.Write("all.csv", "p,q\n1,0\n0,1\n"), new CsvDatasetOptions { DType = DType.Bool });
        Assert.Equal(new[] { true, false, false, true }, all.Features.ToArray<bool>());
    }

    [Theory]
    [InlineData("2.5", "'2.5' is not a whole number; the column is read as int64")]
    [InlineData("2.0", "'2.0' is not a whole number")]
    [InlineData("1e3", "'1e3' is not a whole number")]
    [InlineData("two", "'two' is not a whole number")]
    [InlineData("99999999999999999999", "'99999999999999999999' is outside the range of int64")]
    [InlineData("", "the field is empty (a missing value); every chosen field must hold a whole number")]
    public void AnInt64FieldThatIsNoWholeNumberNamesFileLineAndColumn(string field, string problem)
    {
        var e = Fails($"x,label\n1,0\n2,{field}\n", new CsvDatasetOptions { TargetColumns = ["label"], TargetDType = DType.Int64 });
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Equal(1, e.ColumnIndex);
        Assert.Equal("label", e.ColumnName);
        Assert.Contains("line 3 (data row 2), column 1 'label'", e.Message);
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public void AnInt32FieldOutOfRangeIsAnError()
    {
        var e = Fails("a\n2147483648\n", new CsvDatasetOptions { DType = DType.Int32 });
        Assert.Contains("'2147483648' is outside the range of int32 (-2147483648..2147483647)", e.Problem);
        Assert.Equal(1, e.Row);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("2")]
    [InlineData("t")]
    [InlineData("1.0")]
    public void ABoolFieldOtherThanTrueFalseOneZeroIsAnError(string field)
    {
        var e = Fails($"a,flag\n1,true\n2,false\n3,{field}\n", new CsvDatasetOptions { TargetColumns = [-1], TargetDType = DType.Bool });
        Assert.Equal(4, e.Line);
        Assert.Equal(3, e.Row);
        Assert.Equal(1, e.ColumnIndex);
        Assert.Equal("flag", e.ColumnName);
        Assert.Contains($"'{field}' is not a boolean; the column is read as Bool (expected true, false, 1 or 0)", e.Problem);
    }

    [Fact]
    public void AnUnsupportedDTypeIsAnOptionsError()
    {
        var path = _files.Write("any.csv", "a\n1\n");
        var e = Assert.Throws<ArgumentException>(() => new CsvDataset(path, new CsvDatasetOptions { TargetColumns = [0], TargetDType = DType.Float16 }));
        Assert.Contains("TargetDType = Float16 is not supported; a CSV column is read as Float32, Float64, Int64, Int32 or Bool", e.Message);
    }
}
