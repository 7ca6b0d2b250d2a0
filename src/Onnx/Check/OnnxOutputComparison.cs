using System.Globalization;

namespace MiniTorch.Onnx;

/// <summary>
/// How one output of ONNX Runtime compares with MiniTorch's: the largest absolute error |ort − mt|, the largest
/// relative error |ort − mt| / |mt| (over elements where MiniTorch's value is not 0), and the element that is furthest
/// outside a tolerance.
/// </summary>
public sealed class OnnxOutputComparison
{
    private readonly double[] _expected;
    private readonly double[] _actual;

    internal OnnxOutputComparison(string name, Tensor expected, Tensor actual)
    {
        Name = name;
        ExpectedShape = expected.Shape;
        ActualShape = actual.Shape;
        ShapesMatch = ExpectedShape.AsSpan().SequenceEqual(ActualShape);
        _expected = expected.ToDoubleArray();
        _actual = actual.ToDoubleArray();
        if (!ShapesMatch)
        {
            MaxAbsoluteError = MaxRelativeError = double.PositiveInfinity;
            return;
        }
        for (int i = 0; i < _expected.Length; i++)
        {
            double e = _expected[i], a = _actual[i];
            if (SameValue(e, a))
            {
                continue;
            }
            double abs = Math.Abs(a - e);
            abs = double.IsNaN(abs) ? double.PositiveInfinity : abs; // NaN on one side only
            MaxAbsoluteError = Math.Max(MaxAbsoluteError, abs);
            if (e != 0)
            {
                MaxRelativeError = Math.Max(MaxRelativeError, abs / Math.Abs(e));
            }
        }
    }

    /// <summary>The graph output's name.</summary>
    public string Name { get; }

    /// <summary>MiniTorch's output shape.</summary>
    public int[] ExpectedShape { get; }

    /// <summary>ONNX Runtime's output shape.</summary>
    public int[] ActualShape { get; }

    /// <summary>Whether the shapes agree (if not, both errors are infinite).</summary>
    public bool ShapesMatch { get; }

    /// <summary>max |ort − mt| over the elements (infinite where only one side is NaN).</summary>
    public double MaxAbsoluteError { get; }

    /// <summary>max |ort − mt| / |mt| over the elements where MiniTorch's value is not 0.</summary>
    public double MaxRelativeError { get; }

    /// <summary>Whether every element satisfies |ort − mt| ≤ atol + rtol·|mt| (NumPy's allclose rule; NaN matches NaN).</summary>
    public bool IsWithin(double absoluteTolerance, double relativeTolerance) => WorstViolation(absoluteTolerance, relativeTolerance) < 0;

    /// <summary>A one-line summary, with the worst element outside the tolerance if there is one.</summary>
    public string Describe(double absoluteTolerance, double relativeTolerance)
    {
        var c = CultureInfo.InvariantCulture;
        if (!ShapesMatch)
        {
            return $"{Name}: shape {OnnxShapes.Format(ActualShape)} from ONNX Runtime, {OnnxShapes.Format(ExpectedShape)} from MiniTorch";
        }
        string line = string.Format(c, "{0} {1}: max abs error {2:G3}, max rel error {3:G3}", Name, OnnxShapes.Format(ExpectedShape), MaxAbsoluteError, MaxRelativeError);
        int worst = WorstViolation(absoluteTolerance, relativeTolerance);
        if (worst >= 0)
        {
            line += string.Format(c, "; outside atol={0:G3}, rtol={1:G3} at {2}: ONNX Runtime {3:R}, MiniTorch {4:R}",
                absoluteTolerance, relativeTolerance, OnnxShapes.Format(Unravel(worst)), _actual[worst], _expected[worst]);
        }
        return line;
    }

    /// <summary>The flat index of the element furthest outside the tolerance, or −1 if all are within.</summary>
    private int WorstViolation(double atol, double rtol)
    {
        if (!ShapesMatch)
        {
            return _expected.Length > 0 ? 0 : int.MaxValue;
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < _expected.Length; i++)
        {
            double e = _expected[i], a = _actual[i];
            if (SameValue(e, a))
            {
                continue;
            }
            double excess = Math.Abs(a - e) - (atol + rtol * Math.Abs(e));
            if (double.IsNaN(excess))
            {
                excess = double.PositiveInfinity;
            }
            if (excess > 0 && (worst < 0 || excess > worstExcess))
            {
                worst = i;
                worstExcess = excess;
            }
        }
        return worst;
    }

    private static bool SameValue(double e, double a) => e == a || (double.IsNaN(e) && double.IsNaN(a));

    private int[] Unravel(int flat)
    {
        var index = new int[ExpectedShape.Length];
        for (int d = index.Length - 1; d >= 0; d--)
        {
            index[d] = flat % ExpectedShape[d];
            flat /= ExpectedShape[d];
        }
        return index;
    }
}
