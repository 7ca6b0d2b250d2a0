namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// Lets a one-element tensor drive <c>if</c>, <c>while</c> and <c>?:</c> like Python's <c>bool(tensor)</c>:
    /// <c>while (b.Norm() &lt; 1000) …</c>. A tensor with several elements throws, as in PyTorch.
    /// </summary>
    public static bool operator true(Tensor t) => t.ToBool();

    /// <summary>The negation of <see cref="op_True"/>.</summary>
    public static bool operator false(Tensor t) => !t.ToBool();

    /// <summary>The value of a one-element tensor.</summary>
    public static explicit operator double(Tensor t) => t.Item();

    private bool ToBool()
    {
        if (Numel != 1)
        {
            throw new ArgumentException($"Boolean value of Tensor with more than one value is ambiguous (shape {Shapes.Format(_shape)}); reduce it first, e.g. with Sum() or Max().");
        }
        return Item() != 0;
    }
}
