using System.Globalization;

namespace MiniTorch.Data.Tests.Csv;

public sealed class CsvDatasetTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void HeaderColumnsByNameGiveFeaturesAndTarget()
    {
        var path = _files.Write("a.csv", "x1,x2,label\n1.5,2,0\n-3,4e-1,1\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { FeatureColumns = ["x2", "x1"], TargetColumns = ["label"] });
        Assert.Equal(2, ds.Count);
        Assert.Equal([2, 2], ds.Features.Shape);
        Assert.Equal([2f, 1.5f, 0.4f, -3f], ds.Features.ToFloatArray());
        Assert.Equal([2], ds.Targets!.Shape);
        Assert.Equal([0f, 1f], ds.Targets.ToFloatArray());
        Assert.Equal(["x2", "x1"], ds.FeatureNames);
        Assert.Equal(["label"], ds.TargetNames);
        Assert.Equal([0.4f, -3f], ds[1][0].ToFloatArray());
        Assert.Equal(1.0, ds[1][1].Item());
    }

    [Fact]
    public void FeaturesDefaultToEveryColumnThatIsNotATarget()
    {
        var path = _files.Write("a.csv", "a,y,b\n1,2,3\n4,5,6\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { TargetColumns = ["y"] });
        Assert.Equal([1f, 3f, 4f, 6f], ds.Features.ToFloatArray());
        Assert.Equal(["a", "b"], ds.FeatureNames);
        Assert.Equal([2f, 5f], ds.Targets!.ToFloatArray());
    }

    [Fact]
    public void WithoutTargetsTheDatasetHoldsFeaturesOnly()
    {
        var path = _files.Write("a.csv", "a,b\n1,2\n3,4\n");
        var ds = new CsvDataset(path);
        Assert.Null(ds.Targets);
        Assert.Single(ds.Tensors);
        Assert.Equal([1f, 2f, 3f, 4f], ds.Features.ToFloatArray());
        Assert.Empty(ds.TargetNames);
    }

    [Fact]
    public void NoHeaderColumnsByIndexIncludingFromTheEnd()
    {
        var path = _files.Write("a.csv", "1,2,3,9\n4,5,6,8\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { HasHeader = false, FeatureColumns = CsvColumn.Range(0, 2), TargetColumns = [-1] });
        Assert.Equal([1f, 2f, 4f, 5f], ds.Features.ToFloatArray());
        Assert.Equal([9f, 8f], ds.Targets!.ToFloatArray());
        Assert.Equal(["column 0", "column 1"], ds.FeatureNames);
        Assert.Equal(["column 3"], ds.TargetNames);
    }

    [Fact]
    public void NamesAndIndicesMix()
    {
        var path = _files.Write("a.csv", "a,b,c\n1,2,3\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { FeatureColumns = [2, "a"], TargetColumns = [] });
        Assert.Equal([3f, 1f], ds.Features.ToFloatArray());
    }

    [Fact]
    public void NameMatchingFallsBackToIgnoringCaseAndSpaces()
    {
        var path = _files.Write("a.csv", "Sepal Length, Width\n1,2\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { FeatureColumns = ["sepal length", "width"] });
        Assert.Equal([1f, 2f], ds.Features.ToFloatArray());
    }

    [Fact]
    public void SeveralTargetColumnsGiveATwoDimensionalTarget()
    {
        var path = _files.Write("a.csv", "x,y1,y2\n1,2,3\n4,5,6\n7,8,9\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { TargetColumns = ["y2", "y1"] });
        Assert.Equal([3, 2], ds.Targets!.Shape);
        Assert.Equal([3f, 2f, 6f, 5f, 9f, 8f], ds.Targets.ToFloatArray());
        Assert.Equal([3, 1], ds.Features.Shape);
    }

    [Fact]
    public void Float64KeepsEveryDigit()
    {
        var path = _files.Write("a.csv", "a\n0.1234567890123456789\n1e-300\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { DType = DType.Float64 });
        Assert.Equal(DType.Float64, ds.Features.DType);
        Assert.Equal([0.1234567890123456789, 1e-300], ds.Features.ToDoubleArray());
    }

    [Fact]
    public void Float32ParsesDirectlyWithCorrectRounding()
    {
        // 16777217 is not a float32; direct parsing rounds it to even (16777216), as float.Parse does.
        var path = _files.Write("a.csv", "a\n16777217\n0.1\n");
        var ds = new CsvDataset(path);
        Assert.Equal(DType.Float32, ds.Features.DType);
        Assert.Equal([16777216f, 0.1f], ds.Features.ToFloatArray());
    }

    [Fact]
    public void NumbersAreReadWithTheInvariantCultureWhateverTheCurrentOne()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            // German uses ',' as the decimal point and '.' to group thousands.
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var path = _files.Write("a.csv", "a;b\n1.5;1000.25\n");
            var ds = new CsvDataset(path, new CsvDatasetOptions { Separator = ';' });
            Assert.Equal([1.5f, 1000.25f], ds.Features.ToFloatArray());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void QuotedNumbersAndSurroundingSpacesAreNumbers()
    {
        var path = _files.Write("a.csv", "a,b,c\n\"2.5\", 3 ,-1E2\n");
        Assert.Equal([2.5f, 3f, -100f], new CsvDataset(path).Features.ToFloatArray());
    }

    [Fact]
    public void NaNAndInfinityLiteralsAreKept()
    {
        var path = _files.Write("a.csv", "a,b,c\nNaN,Infinity,-Infinity\n");
        var values = new CsvDataset(path).Features.ToFloatArray();
        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(float.PositiveInfinity, values[1]);
        Assert.Equal(float.NegativeInfinity, values[2]);
    }

    [Fact]
    public void PandasAndNumPyInfinityAndNaNSpellingsAreKept()
    {
        // pandas' to_csv and NumPy's savetxt write inf, -inf and nan; "∞" comes from spreadsheets.
        var path = _files.Write("a.csv", "a,b,c,d,e,f,g\ninf,-inf,\u221e,-\u221e,INF,+Infinity,nan\n");
        var values = new CsvDataset(path).Features.ToFloatArray();
        Assert.Equal([float.PositiveInfinity, float.NegativeInfinity, float.PositiveInfinity, float.NegativeInfinity, float.PositiveInfinity, float.PositiveInfinity], values[..6]);
        Assert.True(float.IsNaN(values[6]));
    }

    [Fact]
    public void AFieldWithANulCharacterIsNotANumber()
    {
        var path = _files.Write("a.csv", "a,b\n1\u0000,2\n");
        var e = Assert.Throws<DataFormatException>(() => new CsvDataset(path));
        Assert.Contains("is not a number", e.Message);
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void SpaceAndTabSeparators()
    {
        var spaces = _files.Write("s.txt", "59 2 32.1\n48 1 21.6\n");
        var tabs = _files.Write("t.tsv", "a\tb\n1\t2\n");
        Assert.Equal([59f, 2f, 32.1f, 48f, 1f, 21.6f], new CsvDataset(spaces, new CsvDatasetOptions { HasHeader = false, Separator = ' ' }).Features.ToFloatArray());
        Assert.Equal([1f, 2f], new CsvDataset(tabs, new CsvDatasetOptions { Separator = '\t' }).Features.ToFloatArray());
    }

    [Fact]
    public void GzipFilesAreReadDirectly()
    {
        var path = _files.WriteGzip("a.csv.gz", "a,b\n1,2\n3,4\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { TargetColumns = ["b"] });
        Assert.Equal([1f, 3f], ds.Features.ToFloatArray());
        Assert.Equal([2f, 4f], ds.Targets!.ToFloatArray());
    }

    [Fact]
    public void SkipLinesPassesOverASummaryLineThatIsNotAHeader()
    {
        var path = _files.WriteGzip("a.csv.gz", "3,2,no,yes\n1,2,0\n3,4,1\n5,6,1\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { SkipLines = 1, HasHeader = false, TargetColumns = [2] });
        Assert.Equal(3, ds.Count);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], ds.Features.ToFloatArray());
        Assert.Equal([0f, 1f, 1f], ds.Targets!.ToFloatArray());
    }

    [Fact]
    public void WindowsLineEndingsTrailingEmptyLinesAndAByteOrderMarkAreFine()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        var path = _files.WriteBytes("a.csv", [.. bom, .. "a,b\r\n1,2\r\n3,4\r\n\r\n\r\n"u8]);
        var ds = new CsvDataset(path, new CsvDatasetOptions { TargetColumns = ["a"] });
        Assert.Equal([1f, 3f], ds.Targets!.ToFloatArray());
        Assert.Equal([2f, 4f], ds.Features.ToFloatArray());
    }

    [Fact]
    public void QuotedFieldsMayHoldSeparatorsAndLineBreaksInTheHeader()
    {
        var path = _files.Write("a.csv", "\"mass, kg\",\"two\nlines\"\n1,2\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { TargetColumns = ["mass, kg"] });
        Assert.Equal([1f], ds.Targets!.ToFloatArray());
        Assert.Equal(["two\nlines"], ds.FeatureNames);
    }

    [Fact]
    public void LoadsIntoADataLoader()
    {
        var path = _files.Write("a.csv", "a,b,y\n1,2,0\n3,4,1\n5,6,0\n");
        var ds = new CsvDataset(path, new CsvDatasetOptions { TargetColumns = ["y"] });
        var batches = new DataLoader<Tensor[]>(ds, batchSize: 2).ToList();
        Assert.Equal([2, 2], batches[0][0].Shape);
        Assert.Equal([1f, 2f, 3f, 4f], batches[0][0].ToFloatArray());
        Assert.Equal([0f, 1f], batches[0][1].ToFloatArray());
        Assert.Equal([5f, 6f], batches[1][0].ToFloatArray());
    }
}
