namespace MiniTorch.Plugins;

/// <summary>Shapes as every MiniTorch message writes them, <c>[4, 5]</c>.</summary>
internal static class ShapeText
{
    public static string Format(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    public static int Numel(IReadOnlyList<int> shape)
    {
        int n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }
        return n;
    }
}
