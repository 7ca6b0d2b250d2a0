namespace MiniTorch;

/// <summary>
/// A brain floating-point number (<c>torch.bfloat16</c>): the upper 16 bits of a float32, so the same range with an
/// 8-bit significand. .NET has no such type; this one is a storage type with exact conversions to float and
/// round-to-nearest-even conversions from it, as PyTorch's <c>c10::BFloat16</c>.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>
{
    /// <summary>The raw bits: sign, 8 exponent bits, 7 significand bits.</summary>
    public ushort Bits { get; }

    private BFloat16(ushort bits) => Bits = bits;

    /// <summary>The value with the given raw bits.</summary>
    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>Rounds a float32 to the nearest bfloat16, ties to even; NaN stays a (quiet) NaN.</summary>
    public static explicit operator BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>Rounds a float64 to bfloat16 through float32, as PyTorch's conversion does.</summary>
    public static explicit operator BFloat16(double value) => (BFloat16)(float)value;

    /// <summary>The exact float32 value.</summary>
    public static implicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value.Bits << 16);

    /// <summary>The exact float64 value.</summary>
    public static implicit operator double(BFloat16 value) => (float)value;

    /// <inheritdoc/>
    public bool Equals(BFloat16 other) => (float)this == (float)other;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ((float)this).GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo((float)other);

    /// <summary>Whether the two values are equal as numbers (NaN equals nothing).</summary>
    public static bool operator ==(BFloat16 left, BFloat16 right) => (float)left == (float)right;

    /// <summary>Whether the two values differ as numbers.</summary>
    public static bool operator !=(BFloat16 left, BFloat16 right) => !(left == right);

    /// <summary>Whether <paramref name="left"/> is smaller.</summary>
    public static bool operator <(BFloat16 left, BFloat16 right) => (float)left < (float)right;

    /// <summary>Whether <paramref name="left"/> is larger.</summary>
    public static bool operator >(BFloat16 left, BFloat16 right) => (float)left > (float)right;

    /// <summary>Whether <paramref name="left"/> is smaller or equal.</summary>
    public static bool operator <=(BFloat16 left, BFloat16 right) => (float)left <= (float)right;

    /// <summary>Whether <paramref name="left"/> is larger or equal.</summary>
    public static bool operator >=(BFloat16 left, BFloat16 right) => (float)left >= (float)right;

    /// <summary>The value as PyTorch prints a float.</summary>
    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
