using System.Globalization;

namespace MiniTorch.Plugins;

/// <summary>
/// One sample of an op compared with its cross-check (<see cref="IOpCrossCheck"/>) in one dtype: the largest absolute
/// and relative errors, and the element furthest outside the tolerance if any.
/// </summary>
internal static class CrossCheckComparison
{
    /// <summary>Runs the cross-check of one sample in <paramref name="dtype"/> and returns its outcome.</summary>
    public static OpCheckOutcome Run(OpDefinition op, PluginAttributes attributes, Tensor[] inputs, DType dtype, OpCheckOptions options, Func<string?, OpCheckOutcome> outcome)
    {
        var cross = options.CrossCheck!;
        string label = dtype == DType.Float32 ? "float32" : "float64";
        var tolerance = dtype == DType.Float32 ? options.CrossCheckFloat32Tolerance : options.CrossCheckFloat64Tolerance;
        Tensor expected;
        using (Autograd.NoGrad())
        {
            expected = op.Run(inputs, attributes);
        }
        Tensor actual = cross.Evaluate(op, attributes, inputs);
        var c = CultureInfo.InvariantCulture;
        if (!actual.Shape.SequenceEqual(expected.Shape))
        {
            return outcome($"{label}: {cross.Name} returned shape {ShapeText.Format(actual.Shape)}, the op {ShapeText.Format(expected.Shape)}.") with { DType = dtype };
        }
        double[] e = expected.ToDoubleArray(), a = actual.ToDoubleArray();
        double maxAbs = 0, maxRel = 0, worstExcess = 0;
        int worst = -1;
        for (int i = 0; i < e.Length; i++)
        {
            if (e[i] == a[i] || (double.IsNaN(e[i]) && double.IsNaN(a[i])))
            {
                continue;
            }
            double abs = Math.Abs(a[i] - e[i]);
            abs = double.IsNaN(abs) ? double.PositiveInfinity : abs; // NaN on one side only
            maxAbs = Math.Max(maxAbs, abs);
            if (e[i] != 0)
            {
                maxRel = Math.Max(maxRel, abs / Math.Abs(e[i]));
            }
            double excess = abs - (tolerance.Absolute + tolerance.Relative * Math.Abs(e[i]));
            if (excess > 0 && (worst < 0 || excess > worstExcess))
            {
                (worst, worstExcess) = (i, excess);
            }
        }
        string measured = string.Format(c, "{0} vs {1}: max abs error {2:G3}, max rel error {3:G3}", label, cross.Name, maxAbs, maxRel);
        string? failure = worst < 0 ? null : string.Format(c,
            "{0}, outside atol={1:G3}, rtol={2:G3} at {3}: {4} {5:R}, op {6:R}. The op's forward and its ONNX lowering disagree: fix one of them, or loosen OpCheckOptions.CrossCheck{7}Tolerance if the difference is rounding.",
            measured, tolerance.Absolute, tolerance.Relative, ShapeText.Format(Unravel(worst, expected.Shape)), cross.Name, a[worst], e[worst], dtype == DType.Float32 ? "Float32" : "Float64");
        return outcome(failure) with { DType = dtype, Detail = measured, MaxAbsoluteError = maxAbs, MaxRelativeError = maxRel };
    }

    private static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = index.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
