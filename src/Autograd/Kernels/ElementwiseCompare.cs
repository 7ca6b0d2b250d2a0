using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>The elementwise comparisons; each gives a Bool tensor, as in PyTorch.</summary>
internal enum Comparison
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>One comparison over spans of any numeric element type; the kind is switched once per span, not per element.</summary>
internal readonly struct CompareSpans<T> : ISpanBinary<T, bool> where T : unmanaged, INumber<T>
{
    private readonly Comparison _kind;

    public CompareSpans(Comparison kind) => _kind = kind;

    public void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<bool> d)
    {
        switch (_kind)
        {
            case Comparison.Equal: for (int i = 0; i < d.Length; i++) { d[i] = x[i] == y[i]; } break;
            case Comparison.NotEqual: for (int i = 0; i < d.Length; i++) { d[i] = x[i] != y[i]; } break;
            case Comparison.Less: for (int i = 0; i < d.Length; i++) { d[i] = x[i] < y[i]; } break;
            case Comparison.LessOrEqual: for (int i = 0; i < d.Length; i++) { d[i] = x[i] <= y[i]; } break;
            case Comparison.Greater: for (int i = 0; i < d.Length; i++) { d[i] = x[i] > y[i]; } break;
            default: for (int i = 0; i < d.Length; i++) { d[i] = x[i] >= y[i]; } break;
        }
    }

    public void Apply(ReadOnlySpan<T> x, T y, Span<bool> d)
    {
        switch (_kind)
        {
            case Comparison.Equal: for (int i = 0; i < d.Length; i++) { d[i] = x[i] == y; } break;
            case Comparison.NotEqual: for (int i = 0; i < d.Length; i++) { d[i] = x[i] != y; } break;
            case Comparison.Less: for (int i = 0; i < d.Length; i++) { d[i] = x[i] < y; } break;
            case Comparison.LessOrEqual: for (int i = 0; i < d.Length; i++) { d[i] = x[i] <= y; } break;
            case Comparison.Greater: for (int i = 0; i < d.Length; i++) { d[i] = x[i] > y; } break;
            default: for (int i = 0; i < d.Length; i++) { d[i] = x[i] >= y; } break;
        }
    }

    public void Apply(T x, ReadOnlySpan<T> y, Span<bool> d)
    {
        switch (_kind)
        {
            case Comparison.Equal: for (int i = 0; i < d.Length; i++) { d[i] = x == y[i]; } break;
            case Comparison.NotEqual: for (int i = 0; i < d.Length; i++) { d[i] = x != y[i]; } break;
            case Comparison.Less: for (int i = 0; i < d.Length; i++) { d[i] = x < y[i]; } break;
            case Comparison.LessOrEqual: for (int i = 0; i < d.Length; i++) { d[i] = x <= y[i]; } break;
            case Comparison.Greater: for (int i = 0; i < d.Length; i++) { d[i] = x > y[i]; } break;
            default: for (int i = 0; i < d.Length; i++) { d[i] = x >= y[i]; } break;
        }
    }
}

/// <summary>Comparisons of two tensors of one dtype into a Bool tensor (IEEE rules for floats: NaN compares unequal to everything).</summary>
internal static class ElementwiseCompare
{
    public static Tensor Map(string opName, Tensor a, Tensor b, Comparison kind) => a.DType switch
    {
        DType.Float32 => ElementwiseGeneric.Map<float, bool, CompareSpans<float>>(opName, a, b, DType.Bool, new(kind)),
        DType.Float64 => ElementwiseGeneric.Map<double, bool, CompareSpans<double>>(opName, a, b, DType.Bool, new(kind)),
        DType.Int64 => ElementwiseGeneric.Map<long, bool, CompareSpans<long>>(opName, a, b, DType.Bool, new(kind)),
        DType.Int32 => ElementwiseGeneric.Map<int, bool, CompareSpans<int>>(opName, a, b, DType.Bool, new(kind)),
        DType.UInt8 => ElementwiseGeneric.Map<byte, bool, CompareSpans<byte>>(opName, a, b, DType.Bool, new(kind)),
        DType.Bool => Map(opName, ElementwiseInteger.Convert(a, DType.UInt8), ElementwiseInteger.Convert(b, DType.UInt8), kind),
        // PyTorch's CPU kernels compare the 16-bit floats in float32, which is exact for comparisons.
        _ => Map(opName, ElementwiseInteger.Convert(a, DType.Float32), ElementwiseInteger.Convert(b, DType.Float32), kind),
    };
}
