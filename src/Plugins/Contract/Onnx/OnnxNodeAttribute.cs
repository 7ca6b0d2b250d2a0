using System.Globalization;

namespace MiniTorch.Plugins;

/// <summary>The type of an <see cref="OnnxNodeAttribute"/>, as ONNX's <c>AttributeProto</c> types it.</summary>
public enum OnnxNodeAttributeKind
{
    /// <summary>A 64-bit integer (ONNX INT).</summary>
    Int,

    /// <summary>A float (ONNX FLOAT, stored as 32 bits by ONNX).</summary>
    Float,

    /// <summary>A list of 64-bit integers (ONNX INTS).</summary>
    Ints,

    /// <summary>A string (ONNX STRING).</summary>
    String,

    /// <summary>A float taken from one of the op's own attributes (ONNX FLOAT; a reference to the function's attribute inside a FunctionProto).</summary>
    FloatFromOpAttribute,
}

/// <summary>
/// An attribute of an ONNX node in a plugin op's lowering, e.g. <c>OnnxNodeAttribute.Int("axis", -1)</c> or
/// <c>OnnxNodeAttribute.FloatFrom("alpha", "negativeSlope")</c> to pass an op attribute through.
/// </summary>
public sealed class OnnxNodeAttribute
{
    private OnnxNodeAttribute(string name, OnnxNodeAttributeKind kind, long intValue = 0, double floatValue = 0, long[]? ints = null, string? text = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("OnnxNodeAttribute: the attribute needs a name, as the ONNX operator spells it (e.g. \"axis\").", nameof(name));
        }
        Name = name;
        Kind = kind;
        IntValue = intValue;
        FloatValue = floatValue;
        IntsValue = ints;
        Text = text;
    }

    /// <summary>The attribute's name, as the ONNX operator spells it.</summary>
    public string Name { get; }

    /// <summary>The attribute's type.</summary>
    public OnnxNodeAttributeKind Kind { get; }

    /// <summary>The value of an <see cref="OnnxNodeAttributeKind.Int"/> attribute.</summary>
    public long IntValue { get; }

    /// <summary>The value of a <see cref="OnnxNodeAttributeKind.Float"/> attribute.</summary>
    public double FloatValue { get; }

    /// <summary>The value of an <see cref="OnnxNodeAttributeKind.Ints"/> attribute.</summary>
    public IReadOnlyList<long>? IntsValue { get; }

    /// <summary>The value of a <see cref="OnnxNodeAttributeKind.String"/> attribute, or the op attribute's name for <see cref="OnnxNodeAttributeKind.FloatFromOpAttribute"/>.</summary>
    public string? Text { get; }

    /// <summary>An integer attribute.</summary>
    public static OnnxNodeAttribute Int(string name, long value) => new(name, OnnxNodeAttributeKind.Int, intValue: value);

    /// <summary>A float attribute.</summary>
    public static OnnxNodeAttribute Float(string name, double value) => new(name, OnnxNodeAttributeKind.Float, floatValue: value);

    /// <summary>A list-of-integers attribute.</summary>
    public static OnnxNodeAttribute Ints(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(name, OnnxNodeAttributeKind.Ints, ints: (long[])values.Clone());
    }

    /// <summary>A string attribute.</summary>
    public static OnnxNodeAttribute String(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(name, OnnxNodeAttributeKind.String, text: value);
    }

    /// <summary>A float attribute whose value is the op's attribute <paramref name="opAttribute"/> of the call being exported.</summary>
    public static OnnxNodeAttribute FloatFrom(string name, string opAttribute)
    {
        ArgumentException.ThrowIfNullOrEmpty(opAttribute);
        return new(name, OnnxNodeAttributeKind.FloatFromOpAttribute, text: opAttribute);
    }

    /// <summary>The attribute as <c>axis=-1</c>.</summary>
    public override string ToString() => Kind switch
    {
        OnnxNodeAttributeKind.Int => FormattableString.Invariant($"{Name}={IntValue}"),
        OnnxNodeAttributeKind.Float => $"{Name}={FloatValue.ToString("R", CultureInfo.InvariantCulture)}",
        OnnxNodeAttributeKind.Ints => $"{Name}=[{string.Join(", ", IntsValue!)}]",
        OnnxNodeAttributeKind.String => $"{Name}=\"{Text}\"",
        _ => $"{Name}=<{Text}>",
    };
}
