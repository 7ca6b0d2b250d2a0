namespace MiniTorch.Tests.Core;

public class InPlaceFusedTests
{
    private static readonly double[] X = [0.5, -1.25, 2.0, 3.5, -0.75, 1.0];
    private static readonly double[] A = [1.5, 2.0, -0.5, 0.25, 4.0, -3.0];
    private static readonly double[] B = [2.0, -4.0, 0.5, 8.0, -1.0, 0.125];

    [Fact]
    public void AddcmulMatchesFormulaInFloat64AndBumpsVersion()
    {
        var x = Tensor.FromArray(X, [2, 3]);
        int before = x.Version;
        var r = x.AddcmulInPlace(Tensor.FromArray(A, [2, 3]), Tensor.FromArray(B, [2, 3]), value: -0.3);
        Assert.Same(x, r);
        Assert.Equal(before + 1, x.Version);
        Assert.Equal(Expected((x0, a, b) => Math.FusedMultiplyAdd(-0.3 * a, b, x0)), x.ToDoubleArray());
    }

    [Fact]
    public void AddcdivMatchesFormulaInFloat64AndBumpsVersion()
    {
        var x = Tensor.FromArray(X, [2, 3]);
        int before = x.Version;
        x.AddcdivInPlace(Tensor.FromArray(A, [2, 3]), Tensor.FromArray(B, [2, 3]), value: 0.7);
        Assert.Equal(before + 1, x.Version);
        Assert.Equal(Expected((x0, a, b) => x0 + 0.7 * a / b), x.ToDoubleArray());
    }

    [Fact]
    public void Float32RoundsAsPyTorchsFusedMultiplyAddKernels()
    {
        // PyTorch's CPU kernels compute add_(x, alpha) and addcmul_ with a fused multiply-add
        // (self + alpha·x and self + (value·t1)·t2 rounded once), and addcdiv_ as self + (value·t1)/t2.
        // 256 random elements make sure the fused and unfused roundings differ somewhere, so the test can fail.
        var rng = new Random(7);
        int n = 256;
        float[] x = new float[n], a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)(rng.NextDouble() * 4 - 2);
            a[i] = (float)(rng.NextDouble() * 4 - 2);
            b[i] = (float)(rng.NextDouble() * 4 + 0.5);
        }
        var added = Tensor.FromArray(x).AddInPlace(Tensor.FromArray(a), alpha: -0.05).ToFloatArray();
        var multiplied = Tensor.FromArray(x).AddcmulInPlace(Tensor.FromArray(a), Tensor.FromArray(b), value: 0.1).ToFloatArray();
        var divided = Tensor.FromArray(x).AddcdivInPlace(Tensor.FromArray(a), Tensor.FromArray(b), value: 0.3).ToFloatArray();
        int fusedMatters = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(MathF.FusedMultiplyAdd(-0.05f, a[i], x[i]), added[i]);
            Assert.Equal(MathF.FusedMultiplyAdd(0.1f * a[i], b[i], x[i]), multiplied[i]);
            Assert.Equal(x[i] + 0.3f * a[i] / b[i], divided[i]);
            fusedMatters += x[i] + -0.05f * a[i] != added[i] ? 1 : 0;
        }
        Assert.True(fusedMatters > 0);
    }

    [Fact]
    public void LongTensorsCrossTheChunkBoundary()
    {
        // 1500 elements: three chunks of the stack buffer, the last one partial.
        int n = 1500;
        var x = Tensor.Arange(0, n, 1, DType.Float64);
        var a = Tensor.Full([n], 2.0, DType.Float64);
        var b = Tensor.Arange(1, n + 1, 1, DType.Float64);
        x.AddcmulInPlace(a, b, 0.5).AddcdivInPlace(b, a, 2.0);
        var got = x.ToDoubleArray();
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(i + 0.5 * 2 * (i + 1) + 2.0 * (i + 1) / 2, got[i]);
        }
    }

    [Fact]
    public void BroadcastAndNonContiguousOperandsGiveTheSameValues()
    {
        var x = Tensor.FromArray(X, [3, 2]).T;      // non-contiguous target of shape [2, 3]
        var a = Tensor.FromArray(A[..3]);           // broadcast along the rows
        var b = Tensor.FromArray(B, [3, 2]).T;      // non-contiguous operand
        var xs = x.Contiguous().ToDoubleArray();
        var bs = b.Contiguous().ToDoubleArray();
        x.AddcmulInPlace(a, b, 2.0);
        var got = x.Contiguous().ToDoubleArray();
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(Math.FusedMultiplyAdd(2.0 * A[i % 3], bs[i], xs[i]), got[i]);
        }
    }

    [Fact]
    public void StridedLayoutsRoundExactlyAsContiguousOnes()
    {
        var rng = new Random(11);
        var x = Tensor.FromArray(Enumerable.Range(0, 60).Select(_ => (float)rng.NextDouble()).ToArray(), [6, 10]);
        var a = Tensor.FromArray(Enumerable.Range(0, 60).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), [6, 10]);
        var b = Tensor.FromArray(Enumerable.Range(0, 60).Select(_ => (float)(rng.NextDouble() + 0.5)).ToArray(), [6, 10]);
        var contiguous = x.Clone().AddInPlace(a, 0.37).AddcmulInPlace(a, b, -0.11).AddcdivInPlace(a, b, 0.23);
        // The same values through transposed views: target and operands all strided.
        var strided = x.T.Contiguous().T;
        strided.AddInPlace(a.T.Contiguous().T, 0.37).AddcmulInPlace(a.T.Contiguous().T, b.T.Contiguous().T, -0.11).AddcdivInPlace(a.T.Contiguous().T, b.T.Contiguous().T, 0.23);
        Assert.False(strided.IsContiguous);
        Assert.Equal(contiguous.ToFloatArray(), strided.Contiguous().ToFloatArray());
    }

    [Fact]
    public void OperandOverlappingTheTargetReadsOldValues()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0, 3.0, 4.0 });
        // x[0..3] += x[1..4] · 1, every read before any write, as PyTorch does for overlapping memory.
        x.Narrow(0, 0, 3).AddcmulInPlace(x.Narrow(0, 1, 3), Tensor.Ones([3], DType.Float64));
        Assert.Equal(new[] { 3.0, 5.0, 7.0, 4.0 }, x.ToDoubleArray());
        var y = Tensor.FromArray(new[] { 2.0, 3.0 });
        y.AddcdivInPlace(y, y, 0.5);
        Assert.Equal(new[] { 2.5, 3.5 }, y.ToDoubleArray());
    }

    [Fact]
    public void FusedAddWithAlphaMatchesFormulaAndHandlesAliasing()
    {
        var x = Tensor.FromArray(ToFloat(X));
        int before = x.Version;
        x.AddInPlace(Tensor.FromArray(ToFloat(A)), alpha: -0.01);
        Assert.Equal(before + 1, x.Version);
        var expected = new float[6];
        for (int i = 0; i < 6; i++)
        {
            expected[i] = MathF.FusedMultiplyAdd(-0.01f, (float)A[i], (float)X[i]);
        }
        Assert.Equal(expected, x.ToFloatArray());
        var y = Tensor.FromArray(new[] { 1.0, 2.0 });
        y.AddInPlace(y, alpha: 2);
        Assert.Equal(new[] { 3.0, 6.0 }, y.ToDoubleArray());
    }

    [Fact]
    public void LeafRequiringGradIsRejectedUnderGradModeAndUpdatedUnderNoGrad()
    {
        var w = Tensor.FromArray(X, requiresGrad: true);
        var a = Tensor.FromArray(A);
        var b = Tensor.FromArray(B);
        var e1 = Assert.Throws<AutogradException>(() => w.AddcmulInPlace(a, b));
        Assert.Contains("AddcmulInPlace: a leaf Variable that requires grad is being used in an in-place operation", e1.Message);
        var e2 = Assert.Throws<AutogradException>(() => w.AddcdivInPlace(a, b));
        Assert.Contains("AddcdivInPlace: a leaf Variable that requires grad", e2.Message);
        var e3 = Assert.Throws<AutogradException>(() => w.AddInPlace(a, alpha: 0.5));
        Assert.Contains("AddInPlace: a leaf Variable that requires grad", e3.Message);
        Assert.Equal(X, w.ToDoubleArray());
        using (Autograd.NoGrad())
        {
            w.AddcmulInPlace(a, b, 1).AddcdivInPlace(a, b, 1).AddInPlace(a, 0.5);
        }
        Assert.Equal(Expected((x0, a0, b0) => Math.FusedMultiplyAdd(0.5, a0, Math.FusedMultiplyAdd(a0, b0, x0) + a0 / b0)), w.ToDoubleArray());
        Assert.True(w.IsLeaf);
    }

    [Fact]
    public void RecordedOnNonLeafWithCorrectGradients()
    {
        var x = Tensor.FromArray(X[..3], requiresGrad: true);
        var a = Tensor.FromArray(A[..3], requiresGrad: true);
        var b = Tensor.FromArray(B[..3], requiresGrad: true);
        Assert.True(GradCheck.Check(t => (t[0] * 1).AddcmulInPlace(t[1], t[2], 0.5).Sin(), [x, a, b]));
        Assert.True(GradCheck.Check(t => (t[0] * 1).AddcdivInPlace(t[1], t[2], -0.5).Sin(), [x, a, b]));
        Assert.True(GradCheck.Check(t => (t[0] * 1).AddInPlace(t[1], alpha: 3).Sin(), [x, a]));
        var h = x * 1;
        h.AddcmulInPlace(a, b, 2);
        Assert.Equal("AddBackward", h.GradFn!.Name);
    }

    [Fact]
    public void RecordedOpWhoseOperandIsTheTargetKeepsTheOldValueForBackward()
    {
        var x = Tensor.FromArray(new[] { 1.5, -2.0 }, requiresGrad: true);
        var h = x * 2;
        h.AddcmulInPlace(h, h, 1);      // h = 2x + 4x²
        h.Sum().Backward();
        Assert.Equal(new[] { 2 + 8 * 1.5, 2 + 8 * -2.0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void MulAndDivInPlaceByATensorRequiringGradKeepTheOldValueForBackward()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var y = Tensor.FromArray(new[] { 3.0, 5.0 }, requiresGrad: true);
        var h = x * 3;
        h.MulInPlace(y);    // h = 3x·y: y's gradient needs the old h = 3x
        h.Sum().Backward();
        Assert.Equal(new[] { 9.0, 15.0 }, x.Grad!.ToDoubleArray());
        Assert.Equal(new[] { 3.0, 6.0 }, y.Grad!.ToDoubleArray());
        x.Grad = null;
        y.Grad = null;
        var q = x * 3;
        q.DivInPlace(y);    // q = 3x/y: y's gradient −3x/y² needs the old q = 3x
        q.Sum().Backward();
        AssertClose([1.0, 0.6], x.Grad!.ToDoubleArray());
        AssertClose([-3.0 / 9, -6.0 / 25], y.Grad!.ToDoubleArray());
    }

    [Fact]
    public void BadOperandsAreRejectedBeforeAnythingIsWritten()
    {
        var x = Tensor.FromArray(X[..3]);
        var e1 = Assert.Throws<ArgumentException>(() => x.AddcmulInPlace(Tensor.Ones([2, 3], DType.Float64), Tensor.Ones([3], DType.Float64)));
        Assert.Contains("AddcmulInPlace: output with shape [3] doesn't match the broadcast shape [2, 3]", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => x.AddcdivInPlace(Tensor.Ones([3], DType.Float64), Tensor.Ones(3)));
        Assert.Contains("AddcdivInPlace: expected both tensors to have the same dtype, but got Float64 and Float32", e2.Message);
        Assert.Throws<ArgumentNullException>(() => x.AddcmulInPlace(null!, x));
        Assert.Equal(X[..3], x.ToDoubleArray());
        // AddInPlace with alpha promotes as PyTorch's add_ does: a float32 operand into float64 is widened, not refused.
        x.AddInPlace(Tensor.FromArray(new float[] { 0.5f, 0.5f, 0.5f }, [3]), alpha: 2);
        Assert.Equal(Array.ConvertAll(X[..3], v => v + 1), x.ToDoubleArray());
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-14);
        }
    }

    private static double[] Expected(Func<double, double, double, double> f)
    {
        var r = new double[X.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = f(X[i], A[i], B[i]);
        }
        return r;
    }

    private static float[] ToFloat(double[] d) => Array.ConvertAll(d, v => (float)v);
}
