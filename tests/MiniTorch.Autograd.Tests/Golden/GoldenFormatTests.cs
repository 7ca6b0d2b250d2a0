using System.Text.RegularExpressions;

namespace MiniTorch.Tests.Golden;

/// <summary>
/// <see cref="Tensor.ToString"/> against PyTorch 1.13's <c>str(tensor)</c>, recorded by
/// <c>tools/golden/generate_golden.py</c> in <c>Golden/format.json</c>.
/// </summary>
public sealed partial class GoldenFormatTests
{
    public static TheoryData<string> Cases() => [.. GoldenData.Format.Cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToStringMatchesPyTorch113(string name)
    {
        var c = GoldenData.Format.Cases[name];
        var shape = GoldenTensor.IntArray(c.GetProperty("shape"));
        var values = GoldenTensor.DoubleArray(c.GetProperty("values"));
        bool requiresGrad = c.GetProperty("requires_grad").GetBoolean();
        // float32 values were recorded exactly (as the doubles they widen to), so narrowing restores them.
        var x = c.GetProperty("dtype").GetString() == "float64"
            ? Tensor.FromArray(values, shape, requiresGrad)
            : Tensor.FromArray(Array.ConvertAll(values, v => (float)v), shape, requiresGrad);
        var printed = c.GetProperty("make").GetString() switch
        {
            "leaf" => x,
            "mul_scalar_2" => x * 2,
            "sum" => x.Sum(),
            "dot_self" => Tensor.Dot(x, x),
            "exp_mean" => x.Exp().Mean(),
            "tanh" => x.Tanh(),
            var make => throw new NotSupportedException($"format case maker '{make}'"),
        };
        // PyTorch numbers its generated backward classes (MulBackward0); MiniTorch's node names have no number.
        string expected = BackwardNumber().Replace(c.GetProperty("expected").GetString()!, "$1>");

        Assert.Equal(expected, printed.ToString());
    }

    [GeneratedRegex(@"(grad_fn=<\w+?Backward)\d+>")]
    private static partial Regex BackwardNumber();
}
