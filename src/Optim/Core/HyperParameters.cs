using System.Globalization;

namespace MiniTorch.Optim;

/// <summary>
/// The checks optimizers make on their options, with PyTorch's wording ("Invalid learning rate: -0.1") followed
/// by the rule, and the C# parameter name, so the message says which value was wrong and what would be right.
/// </summary>
internal static class HyperParameters
{
    /// <summary>Requires a finite value ≥ 0.</summary>
    public static void NonNegative(double value, string what, string paramName)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentException(Invariant($"Invalid {what}: {value}; {paramName} must be a finite number >= 0."), paramName);
        }
    }

    /// <summary>Requires 0 ≤ value &lt; 1.</summary>
    public static void InUnitInterval(double value, string what, string paramName)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentException(Invariant($"Invalid {what}: {value}; {paramName} must lie in [0, 1)."), paramName);
        }
    }

    /// <summary>Requires a finite value.</summary>
    public static void Finite(double value, string what, string paramName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(Invariant($"Invalid {what}: {value}; {paramName} must be a finite number."), paramName);
        }
    }

    /// <summary>Requires a finite value &gt; 0.</summary>
    public static void Positive(double value, string what, string paramName)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentException(Invariant($"Invalid {what}: {value}; {paramName} must be a finite number > 0."), paramName);
        }
    }

    /// <summary>Formats numbers with the invariant culture, so messages read the same on every machine.</summary>
    public static string Invariant(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
