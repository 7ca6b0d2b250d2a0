namespace MiniTorch.Plugins.Tests.Contract;

public class VersionRangeTests
{
    [Theory]
    [InlineData("[0.1, 1.0)", "0.1", true)]
    [InlineData("[0.1, 1.0)", "0.9.9", true)]
    [InlineData("[0.1, 1.0)", "1.0", false)]
    [InlineData("[0.1, 1.0)", "0.0.9", false)]
    [InlineData("(0.1, 1.0]", "0.1", false)]
    [InlineData("(0.1, 1.0]", "1.0.0.0", true)]
    [InlineData("0.1", "0.1", true)]
    [InlineData("0.1", "7.0", true)]
    [InlineData("0.1", "0.0.99", false)]
    [InlineData("[0.1]", "0.1.0", true)]
    [InlineData("[0.1]", "0.1.1", false)]
    [InlineData("(, 2.0]", "0.0.1", true)]
    [InlineData("(, 2.0]", "2.0.1", false)]
    [InlineData("(1.0,)", "1.0", false)]
    [InlineData("(1.0,)", "1.0.0.1", true)]
    [InlineData("[99.0, )", "0.1", false)]
    public void ContainsFollowsNuGetIntervalNotation(string range, string version, bool expected)
    {
        Assert.Equal(expected, VersionRange.Parse(range).Contains(Version.Parse(version)));
    }

    [Fact]
    public void MissingVersionPartsCountAsZero()
    {
        // System.Version orders 0.1 before 0.1.0; a range must not.
        Assert.True(VersionRange.Parse("[0.1.0, 0.2)").Contains(new Version(0, 1)));
        Assert.True(VersionRange.Parse("[0.1]").Contains(new Version(0, 1, 0, 0)));
        Assert.True(VersionRange.Parse("1").Contains(new Version(1, 0)));
    }

    [Theory]
    [InlineData("[0.1, 1.0)", "[0.1.0, 1.0.0)")]
    [InlineData("0.1", "[0.1.0, )")]
    [InlineData("[2.0]", "[2.0.0]")]
    [InlineData("(, 1.2.3.4]", "(, 1.2.3.4]")]
    public void PrintsNormalizedIntervals(string text, string printed)
    {
        Assert.Equal(printed, VersionRange.Parse(text).ToString());
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("[1.0, 2.0", "does not end with ']' or ')'")]
    [InlineData("(1.0)", "must be written '[x]'")]
    [InlineData("[1.0, 2.0, 3.0]", "one ','")]
    [InlineData("[,]", "both bounds are empty")]
    [InlineData("[2.0, 1.0]", "no version is in it")]
    [InlineData("[1.0, 1.0)", "no version is in it")]
    [InlineData("1.x", "'1.x' is not a version")]
    [InlineData("1.2.3.4.5", "more than four parts")]
    [InlineData("-1.0", "is not a version")]
    public void RejectsMalformedRangesWithTheReason(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => VersionRange.Parse(text));
        Assert.Contains(reason, e.Message);
        Assert.Contains("interval notation", e.Message);
    }
}
