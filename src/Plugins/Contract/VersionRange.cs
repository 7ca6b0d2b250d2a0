using System.Globalization;

namespace MiniTorch.Plugins;

/// <summary>
/// A range of versions in NuGet's interval notation, which .NET developers know from package references:
/// <c>1.0</c> is 1.0 or later, <c>[1.0, 2.0)</c> is from 1.0 up to (not including) 2.0, <c>(1.0,)</c> is later than
/// 1.0, <c>(, 2.0]</c> is up to 2.0, and <c>[1.0]</c> is exactly 1.0. Missing version parts count as 0, so
/// <c>0.1</c> and <c>0.1.0.0</c> are the same version.
/// </summary>
public sealed class VersionRange
{
    private VersionRange(Version? minimum, bool includeMinimum, Version? maximum, bool includeMaximum)
    {
        Minimum = minimum;
        IncludeMinimum = includeMinimum;
        Maximum = maximum;
        IncludeMaximum = includeMaximum;
    }

    /// <summary>The lower bound, or null for none.</summary>
    public Version? Minimum { get; }

    /// <summary>Whether <see cref="Minimum"/> itself is in the range.</summary>
    public bool IncludeMinimum { get; }

    /// <summary>The upper bound, or null for none.</summary>
    public Version? Maximum { get; }

    /// <summary>Whether <see cref="Maximum"/> itself is in the range.</summary>
    public bool IncludeMaximum { get; }

    /// <summary>Parses a range; throws <see cref="FormatException"/> saying what is wrong and what the notation is.</summary>
    public static VersionRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var range, out string? error)
            ? range
            : throw new FormatException($"'{text}' is not a version range: {error}. Use NuGet's interval notation, e.g. '[0.1, 1.0)', '0.1' (0.1 or later) or '[0.1]' (exactly 0.1).");
    }

    /// <summary>Parses a range; on failure returns false with the reason in <paramref name="error"/>.</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VersionRange? range, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        range = null;
        string s = text.Trim();
        if (s.Length == 0)
        {
            error = "it is empty";
            return false;
        }
        char open = s[0];
        if (open != '[' && open != '(')
        {
            // A bare version is a lower bound, as in NuGet.
            if (!TryParseVersion(s, out var min, out error))
            {
                return false;
            }
            range = new VersionRange(min, true, null, false);
            return true;
        }
        char close = s[^1];
        if (close != ']' && close != ')')
        {
            error = $"it starts with '{open}' but does not end with ']' or ')'";
            return false;
        }
        string[] parts = s[1..^1].Split(',');
        if (parts.Length == 1)
        {
            if (open != '[' || close != ']')
            {
                error = "a single version in brackets means exactly that version and must be written '[x]'";
                return false;
            }
            if (!TryParseVersion(parts[0].Trim(), out var exact, out error))
            {
                return false;
            }
            range = new VersionRange(exact, true, exact, true);
            return true;
        }
        if (parts.Length != 2)
        {
            error = "an interval has one ',' between its bounds";
            return false;
        }
        Version? lower = null, upper = null;
        string lo = parts[0].Trim(), hi = parts[1].Trim();
        if (lo.Length == 0 && hi.Length == 0)
        {
            error = "both bounds are empty";
            return false;
        }
        if ((lo.Length > 0 && !TryParseVersion(lo, out lower, out error)) || (hi.Length > 0 && !TryParseVersion(hi, out upper, out error)))
        {
            return false;
        }
        if (lower is not null && upper is not null)
        {
            int order = lower.CompareTo(upper);
            if (order > 0 || (order == 0 && (open != '[' || close != ']')))
            {
                error = "the lower bound is above the upper bound, so no version is in it";
                return false;
            }
        }
        range = new VersionRange(lower, lower is not null && open == '[', upper, upper is not null && close == ']');
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="version"/> lies in the range.</summary>
    public bool Contains(Version version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var v = Normalize(version);
        if (Minimum is not null)
        {
            int c = v.CompareTo(Minimum);
            if (c < 0 || (c == 0 && !IncludeMinimum))
            {
                return false;
            }
        }
        if (Maximum is not null)
        {
            int c = v.CompareTo(Maximum);
            if (c > 0 || (c == 0 && !IncludeMaximum))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The range in interval notation, e.g. <c>[0.1.0, 1.0.0)</c>.</summary>
    public override string ToString()
    {
        if (Minimum is not null && Maximum is not null && Minimum.Equals(Maximum))
        {
            return $"[{Format(Minimum)}]";
        }
        return $"{(IncludeMinimum ? '[' : '(')}{(Minimum is null ? "" : Format(Minimum))}, {(Maximum is null ? "" : Format(Maximum))}{(IncludeMaximum ? ']' : ')')}";
    }

    /// <summary>A version as MiniTorch prints it: three parts, and the fourth only when it is not 0.</summary>
    public static string Format(Version version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var v = Normalize(version);
        return v.Revision == 0 ? v.ToString(3) : v.ToString(4);
    }

    /// <summary>Parses a version of one to four numeric parts, e.g. <c>1</c>, <c>0.1</c> or <c>1.2.3</c>.</summary>
    internal static bool TryParseVersion(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Version? version, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        version = null;
        string[] parts = text.Split('.');
        if (parts.Length > 4)
        {
            error = $"version '{text}' has more than four parts";
            return false;
        }
        var numbers = new int[4];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                error = $"'{text}' is not a version (numbers separated by '.', e.g. 1.2.0)";
                return false;
            }
        }
        version = new Version(numbers[0], numbers[1], numbers[2], numbers[3]);
        error = null;
        return true;
    }

    /// <summary>Fills unset parts with 0: <see cref="Version"/> otherwise orders 0.1 before 0.1.0.</summary>
    internal static Version Normalize(Version v) => new(v.Major, v.Minor, Math.Max(v.Build, 0), Math.Max(v.Revision, 0));
}
