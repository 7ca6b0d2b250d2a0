namespace MiniTorch.Data.Tests.Csv;

/// <summary>Every malformed input fails with the file, line, data row and column, and nothing is skipped.</summary>
public sealed class CsvErrorTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private DataFormatException Fails(string text, CsvDatasetOptions? options = null, string name = "bad.csv")
    {
        var path = _files.Write(name, text);
        var e = Assert.Throws<DataFormatException>(() => new CsvDataset(path, options));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path, e.Message);
        return e;
    }

    [Fact]
    public void NonNumberNamesLineRowColumnAndValue()
    {
        var e = Fails("a,b,c\n1,2,3\n4,five,6\n");
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Equal(1, e.ColumnIndex);
        Assert.Equal("b", e.ColumnName);
        Assert.Contains("line 3 (data row 2), column 1 'b'", e.Message);
        Assert.Contains("'five' is not a number", e.Message);
    }

    [Fact]
    public void DecimalCommaIsNotANumberRatherThanThousands()
    {
        var e = Fails("a,b\n\"1,5\",2\n");
        Assert.Equal(0, e.ColumnIndex);
        Assert.Contains("'1,5' is not a number", e.Message);
    }

    [Fact]
    public void EmptyFieldIsAMissingValue()
    {
        var e = Fails("1,2\n3,\n", new CsvDatasetOptions { HasHeader = false });
        Assert.Equal(2, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Equal(1, e.ColumnIndex);
        Assert.Null(e.ColumnName);
        Assert.Contains("the field is empty (a missing value)", e.Message);
    }

    [Fact]
    public void ShortRowNamesTheFirstMissingColumn()
    {
        var e = Fails("a,b,c\n1,2,3\n4,5\n7,8,9\n");
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Equal(2, e.ColumnIndex);
        Assert.Equal("c", e.ColumnName);
        Assert.Contains("the row has 2 fields but the header has 3", e.Message);
    }

    [Fact]
    public void ShortRowIsAnErrorEvenWhenItsMissingColumnIsNotChosen()
    {
        var e = Fails("a,b,c\n1,2,3\n4,5\n", new CsvDatasetOptions { FeatureColumns = ["a"] });
        Assert.Equal(2, e.ColumnIndex);
    }

    [Fact]
    public void LongRowNamesTheFirstExtraField()
    {
        var e = Fails("1,2\n3,4\n5,6,7\n", new CsvDatasetOptions { HasHeader = false });
        Assert.Equal(3, e.Line);
        Assert.Equal(3, e.Row);
        Assert.Equal(2, e.ColumnIndex);
        Assert.Contains("the row has 3 fields but the first data row has 2", e.Message);
        Assert.Contains("first extra one", e.Message);
    }

    [Fact]
    public void UnclosedQuoteNamesTheColumnWhereItOpens()
    {
        var e = Fails("a,b\n1,2\n3,\"4\n5,6\n");
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Equal(1, e.ColumnIndex);
        Assert.Contains("a quoted field is never closed", e.Message);
        Assert.IsType<CsvHelper.CsvFormatException>(e.InnerException);
    }

    [Fact]
    public void QuoteInsideAnUnquotedField()
    {
        var e = Fails("a,b,c\n1,2,3\n4,5\"x,6\n");
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Equal(1, e.ColumnIndex);
        Assert.Contains("a quote inside a field that does not start with a quote", e.Message);
    }

    [Fact]
    public void TextAfterAClosingQuote()
    {
        var e = Fails("a,b,c\n\"1\",\"2\"x,3\n");
        Assert.Equal(2, e.Line);
        Assert.Equal(1, e.Row);
        Assert.Equal(1, e.ColumnIndex);
        Assert.Contains("text after the closing quote", e.Message);
    }

    [Fact]
    public void QuotingErrorLinesCountSkippedLinesAndQuotedLineBreaks()
    {
        var e = Fails("summary\n\"a\nb\",c\n1,2\n3,\"4\"5\n", new CsvDatasetOptions { SkipLines = 1 });
        Assert.Equal(5, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Equal(1, e.ColumnIndex);
    }

    [Fact]
    public void QuotingErrorInTheHeader()
    {
        var e = Fails("a,\"b\n1,2\n");
        Assert.Equal(1, e.Line);
        Assert.Equal(0, e.Row);
        Assert.Equal(1, e.ColumnIndex);
        Assert.Contains("line 1 (header), column 1", e.Message);
    }

    [Fact]
    public void UnknownColumnNameListsTheHeader()
    {
        var e = Fails("a,b\n1,2\n", new CsvDatasetOptions { TargetColumns = ["label"] });
        Assert.Equal("label", e.ColumnName);
        Assert.Equal(-1, e.ColumnIndex);
        Assert.Equal(1, e.Line);
        Assert.Contains("column 'label': no column has this name. The header's columns are: 'a', 'b'.", e.Message);
    }

    [Fact]
    public void AmbiguousColumnName()
    {
        var e = Fails("a,A\n1,2\n", new CsvDatasetOptions { TargetColumns = ["a "] });
        Assert.Contains("columns 0 and 1 of the header both match it", e.Message);
    }

    [Fact]
    public void ColumnByNameWithoutAHeader()
    {
        var e = Fails("1,2\n", new CsvDatasetOptions { HasHeader = false, TargetColumns = ["y"] });
        Assert.Contains("HasHeader = false", e.Message);
        Assert.Equal("y", e.ColumnName);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-3)]
    public void ColumnIndexOutOfRange(int index)
    {
        var e = Fails("a,b\n1,2\n", new CsvDatasetOptions { FeatureColumns = [index] });
        Assert.Contains($"column index {index} is out of range: the file has 2 columns", e.Message);
    }

    [Fact]
    public void EmptyFile()
    {
        var e = Fails("");
        Assert.Equal(0, e.Line);
        Assert.Contains("the file is empty", e.Message);
        Assert.Contains("the file is empty", Fails("", new CsvDatasetOptions { HasHeader = false }, "bad2.csv").Message);
    }

    [Fact]
    public void HeaderWithoutData()
    {
        Assert.Contains("the file has a header but no data rows", Fails("a,b\n").Message);
    }

    [Fact]
    public void EmptyLineInsideTheDataIsNotSkipped()
    {
        var e = Fails("a,b\n1,2\n\n3,4\n");
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Row);
        Assert.Contains("line 3 (data row 2): an empty line inside the data (data follows on line 4)", e.Message);
    }

    [Fact]
    public void NumberBeyondFloat32IsNotSilentlyInfinite()
    {
        var e = Fails("a\n1e39\n");
        Assert.Contains("'1e39' is outside the range of float32", e.Message);
        var path = _files.Write("ok.csv", "a\n1e39\n");
        Assert.Equal(1e39, new CsvDataset(path, new CsvDatasetOptions { DType = DType.Float64 }).Features.ToDoubleArray()[0]);
    }

    [Fact]
    public void TooFewLinesToSkip()
    {
        var e = Fails("one line\n", new CsvDatasetOptions { SkipLines = 3 });
        Assert.Contains("the file has 1 line(s) but SkipLines = 3", e.Message);
    }

    [Fact]
    public void GzipNameOnAFileThatIsNotGzip()
    {
        var e = Fails("a,b\n1,2\n", name: "plain.csv.gz");
        Assert.Contains("not valid gzip data", e.Message);
    }

    [Fact]
    public void MissingFileIsTheUsualFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => new CsvDataset(Path.Combine(Path.GetTempPath(), "no-such-minitorch-file.csv")));
    }

    [Fact]
    public void SeparatorMustBeUsable()
    {
        var path = _files.Write("a.csv", "a\n1\n");
        var e = Assert.Throws<ArgumentException>(() => new CsvDataset(path, new CsvDatasetOptions { Separator = '"' }));
        Assert.Contains("separator must be an ASCII character", e.Message);
    }
}
