using System.Globalization;

namespace MiniTorch.Onnx;

/// <summary>
/// How one output of ONNX Runtime compares with MiniTorch's: the largest absolute error |ort − mt|, the largest
/// relative error |ort − mt| / |mt| (over elements where MiniTorch's value is not 0), and the element that is furthest
/// outside a tolerance. Integer and Bool outputs (indices, masks) compare exactly: their dtypes must agree and every
/// element must be equal, whatever the tolerance.
/// </summary>
public sealed class OnnxOutputComparison
{
    private readonly double[] _expected;
    private readonly double[] _actual;
    private readonly int _firstMismatch = -1; // of an exactly compared output

    internal OnnxOutputComparison(string name, Tensor expected, Tensor actual)
    {
        Name = name;
        ExpectedShape = expected.Shape;
        ActualShape = actual.Shape;
        ShapesMatch = ExpectedShape.AsSpan().SequenceEqual(ActualShape);
        ExpectedDType = expected.DType;
        ActualDType = actual.DType;
        _expected = expected.ToDoubleArray();
        _actual = actual.ToDoubleArray();
        if (!ShapesMatch || !DTypesMatch)
        {
            MaxAbsoluteError = MaxRelativeError = double.PositiveInfinity;
            return;
        }
        if (IsExact)
        {
            // Compared as 64-bit integers: doubles would merge values beyond 2⁵³.
            var e = expected.ToLongArray();
            var a = actual.ToLongArray();
            for (int i = 0; i < e.Length; i++)
            {
                if (e[i] != a[i])
                {
                    _firstMismatch = _firstMismatch < 0 ? i : _firstMismatch;
                    double abs = Math.Abs((double)a[i] - e[i]);
                    MaxAbsoluteError = Math.Max(MaxAbsoluteError, abs);
                    if (e[i] != 0)
                    {
                        MaxRelativeError = Math.Max(MaxRelativeError, abs / Math.Abs((double)e[i]));
                    }
                }
            }
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

    /// <summary>MiniTorch's output dtype.</summary>
    public DType ExpectedDType { get; }

    /// <summary>The dtype of ONNX Runtime's output, as read back into MiniTorch.</summary>
    public DType ActualDType { get; }

    /// <summary>Whether the dtypes agree (if not, both errors are infinite): an exported Bool mask must come back Bool, Int64 indices Int64.</summary>
    public bool DTypesMatch => ExpectedDType == ActualDType;

    /// <summary>Whether the output is compared exactly (an integer or Bool dtype), ignoring the tolerances.</summary>
    public bool IsExact => !ExpectedDType.IsFloatingPoint();

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
        if (!DTypesMatch)
        {
            return $"{Name}: dtype {ActualDType} from ONNX Runtime, {ExpectedDType} from MiniTorch";
        }
        if (IsExact)
        {
            return _firstMismatch < 0
                ? $"{Name} {OnnxShapes.Format(ExpectedShape)} {ExpectedDType}: equal"
                : string.Format(c, "{0} {1} {2}: not equal (compared exactly) at {3}: ONNX Runtime {4}, MiniTorch {5}", Name, OnnxShapes.Format(ExpectedShape), ExpectedDType,
                    OnnxShapes.Format(Unravel(_firstMismatch)), _actual[_firstMismatch], _expected[_firstMismatch]);
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
        if (!ShapesMatch || !DTypesMatch)
        {
            return _expected.Length > 0 ? 0 : int.MaxValue;
        }
        if (IsExact)
        {
            return _firstMismatch;
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
