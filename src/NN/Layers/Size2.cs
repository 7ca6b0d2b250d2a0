namespace MiniTorch.NN;

/// <summary>
/// A (height, width) pair for kernel sizes, strides, paddings and dilations, written as PyTorch takes them:
/// an int for both (<c>kernelSize: 3</c>) or a tuple (<c>stride: (2, 1)</c>).
/// </summary>
/// <param name="Height">The value along the height (rows).</param>
/// <param name="Width">The value along the width (columns).</param>
public readonly record struct Size2(int Height, int Width)
{
    /// <summary>The same value for height and width.</summary>
    public static implicit operator Size2(int value) => new(value, value);

    /// <summary>A (height, width) tuple.</summary>
    public static implicit operator Size2((int Height, int Width) value) => new(value.Height, value.Width);

    /// <summary>The pair as a tuple, the form the core window ops take.</summary>
    public (int Height, int Width) ToTuple() => (Height, Width);

    /// <summary>The pair as [height, width], the form traced ops report.</summary>
    internal int[] ToArray() => [Height, Width];

    /// <summary>Prints as PyTorch prints a pair: <c>(3, 3)</c>.</summary>
    public override string ToString() => $"({Height}, {Width})";
}
