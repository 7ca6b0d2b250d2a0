namespace MiniTorch.Onnx;

/// <summary>Shape formatting for messages, in MiniTorch's <c>[2, 3]</c> style.</summary>
internal static class OnnxShapes
{
    public static string Format(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    public static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";
}
