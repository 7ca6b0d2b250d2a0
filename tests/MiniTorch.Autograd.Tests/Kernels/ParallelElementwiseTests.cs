using System.Numerics;
using System.Numerics.Tensors;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// Large contiguous elementwise ops are split over the cores; each element must come out bit for bit as the serial
/// kernel computes it, on both sides of the size threshold and for lengths that are no multiple of a vector.
/// </summary>
public class ParallelElementwiseTests
{
    private const int M = ParallelElementwise.MinElements;

    public static TheoryData<int> Lengths => new() { M - 1, M, M + 1, M + 63, 2 * M + 7, 3 * M + 17 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void UnaryOpsMatchTheSerialKernelFloat32(int n)
    {
        var x = Data<float>(n, seed: 1);
        var t = Tensor.FromArray(x);
        AssertSame(Serial(x, new UnaryOp(UnaryKind.Exp)), t.Exp().ToFloatArray());
        AssertSame(Serial(x, new UnaryOp(UnaryKind.Tanh)), t.Tanh().ToFloatArray());
        AssertSame(Serial(x, new UnaryOp(UnaryKind.Sigmoid)), t.Sigmoid().ToFloatArray());
        AssertSame(Serial(x, new ErfOp()), t.Erf().ToFloatArray());
        AssertSame(Serial(x, new ScalarOp<MulOp>(1.0001)), (t * 1.0001).ToFloatArray());
        AssertSame(Serial(x, new ScalarOp<SubOp>(2, scalarFirst: true)), (2 - t).ToFloatArray());
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void UnaryOpsMatchTheSerialKernelFloat64(int n)
    {
        var x = Data<double>(n, seed: 2);
        var t = Tensor.FromArray(x);
        AssertSame(Serial(x, new UnaryOp(UnaryKind.Exp)), t.Exp().ToDoubleArray());
        AssertSame(Serial(x, new UnaryOp(UnaryKind.Tanh)), t.Tanh().ToDoubleArray());
        AssertSame(Serial(x, new ScalarOp<AddOp>(0.001)), (t + 0.001).ToDoubleArray());
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BinaryOpsMatchTheSerialKernel(int n)
    {
        var xf = Data<float>(n, seed: 3);
        var yf = Data<float>(n, seed: 4);
        AssertSame(Serial(xf, yf, TensorPrimitives.Multiply), (Tensor.FromArray(xf) * Tensor.FromArray(yf)).ToFloatArray());
        AssertSame(Serial(xf, yf, TensorPrimitives.Add), (Tensor.FromArray(xf) + Tensor.FromArray(yf)).ToFloatArray());
        AssertSame(Serial(xf, yf, TensorPrimitives.Divide), (Tensor.FromArray(xf) / Tensor.FromArray(yf)).ToFloatArray());
        var xd = Data<double>(n, seed: 5);
        var yd = Data<double>(n, seed: 6);
        AssertSame(Serial(xd, yd, TensorPrimitives.Subtract), (Tensor.FromArray(xd) - Tensor.FromArray(yd)).ToDoubleArray());
        var ax = xd.Select(Math.Abs).ToArray();
        AssertSame(Serial(ax, yd, TensorPrimitives.Pow), Tensor.Pow(Tensor.FromArray(ax), Tensor.FromArray(yd)).ToDoubleArray());
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ScalarTensorOperandsAndOffsetViewsMatchTheSerialKernel(int n)
    {
        // A one-element tensor broadcast against a large one, on either side; inputs that start at a storage offset.
        var x = Data<float>(n + 5, seed: 7);
        var view = Tensor.FromArray(x).Narrow(0, 5, n);
        var s = Tensor.FromArray(new[] { 1.5f });
        var tail = x.AsSpan(5, n).ToArray();
        AssertSame(Serial(tail, 1.5f, TensorPrimitives.Multiply), (view * s).ToFloatArray());
        AssertSame(Serial(tail, 1.5f, TensorPrimitives.Subtract, scalarFirst: true), (s - view).ToFloatArray());
        AssertSame(Serial(tail, new UnaryOp(UnaryKind.Exp)), view.Exp().ToFloatArray());
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void InPlaceOpsMatchTheSerialKernel(int n)
    {
        var x = Data<float>(n, seed: 8);
        var y = Data<float>(n, seed: 9);
        var t = Tensor.FromArray((float[])x.Clone());
        t.AddInPlace(Tensor.FromArray(y));
        AssertSame(Serial(x, y, TensorPrimitives.Add), t.ToFloatArray());
    }

    [Theory]
    [InlineData(M, 2)]
    [InlineData(M + 1, 2)]
    [InlineData(3 * M + 17, 2)]
    [InlineData(3 * M + 17, 3)]
    [InlineData(1 << 22, 8)]
    public void ChunksCoverTheRangeOnVectorBoundaries(int n, int chunks)
    {
        int per = ParallelElementwise.ChunkLength(n, chunks);
        Assert.Equal(0, per % 64);
        Assert.True(per * chunks >= n, "the chunks must cover every element");
        Assert.True(per * (chunks - 1) < n, "every chunk must be non-empty");
    }

    [Fact]
    public void LargeInputsAreSplitWhenThereAreSeveralCores()
    {
        Assert.Equal(1, ParallelElementwise.ChunkCount(M - 1));
        Assert.Equal(Environment.ProcessorCount > 1, ParallelElementwise.ChunkCount(M) > 1);
    }

    private static T[] Data<T>(int n, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = new Generator(seed);
        var d = new double[n];
        g.FillNormal(d, 0, 3);
        var r = new T[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = T.CreateTruncating(d[i]);
        }
        return r;
    }

    private static T[] Serial<T, TOp>(T[] x, TOp op) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        var y = new T[x.Length];
        op.Apply<T>(x, y);
        return y;
    }

    private delegate void SpanOp<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d);

    private delegate void ScalarSpanOp<T>(ReadOnlySpan<T> x, T y, Span<T> d);

    private static T[] Serial<T>(T[] x, T[] y, SpanOp<T> op)
    {
        var d = new T[x.Length];
        op(x, y, d);
        return d;
    }

    private static T[] Serial<T>(T[] x, T s, ScalarSpanOp<T> op, bool scalarFirst = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = new T[x.Length];
        if (scalarFirst)
        {
            // s − x computed as the kernel does it: TensorPrimitives.Subtract(scalar, span).
            TensorPrimitives.Subtract(s, x, d);
            return d;
        }
        op(x, s, d);
        return d;
    }

    // Bitwise equality (signed zeros and NaN payloads included), not a numeric tolerance.
    private static void AssertSame(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"element {i} of {expected.Length}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }

    private static void AssertSame(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
            {
                Assert.Fail($"element {i} of {expected.Length}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
