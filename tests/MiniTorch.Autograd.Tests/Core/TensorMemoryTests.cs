namespace MiniTorch.Tests.Core;

/// <summary>
/// The public primitives that libraries above the core use instead of its internals: arrays wrapped without a copy,
/// spans and memory over a contiguous tensor, the explicit version bump, the fused Adam step and the graph's leaves.
/// </summary>
public class TensorMemoryTests
{
    [Fact]
    public void WrapArray_shares_the_array_both_ways_and_checks_the_shape()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var t = Tensor.WrapArray(data, 2, 3);
        Assert.Equal(new[] { 2, 3 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        data[4] = 50;
        Assert.Equal(50f, t[1, 1].Item());
        t.MulInPlace(2);
        Assert.Equal(new float[] { 2, 4, 6, 8, 100, 12 }, data);
        Assert.False(t.RequiresGrad);

        var d = Tensor.WrapArray(new double[] { 7 }, []);
        Assert.Equal(DType.Float64, d.DType);
        Assert.Equal(0, d.Rank);

        var wrong = Assert.Throws<ArgumentException>(() => Tensor.WrapArray(new double[5], 2, 3));
        Assert.Contains("WrapArray: shape [2, 3] needs 6 elements, but the array has 5", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("needs more than 2147483647 elements", Assert.Throws<ArgumentException>(() => Tensor.WrapArray(new float[5], 65536, 65536)).Message, StringComparison.Ordinal);
        Assert.Contains("negative dimension", Assert.Throws<ArgumentException>(() => Tensor.WrapArray(new float[0], -1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsSpan_and_AsMemory_view_the_elements_of_a_contiguous_tensor_from_its_offset()
    {
        var t = Tensor.Arange(0, 12, dtype: DType.Float64).Reshape(3, 4);
        var row = t[1];                                   // contiguous, storage offset 4
        Assert.Equal(new double[] { 4, 5, 6, 7 }, row.AsSpan<double>().ToArray());
        row.AsSpan<double>()[0] = -1;
        Assert.Equal(-1.0, t[1, 0].Item());
        Assert.Equal(new double[] { -1, 5, 6, 7 }, row.AsMemory<double>().ToArray());

        var transposed = Assert.Throws<InvalidOperationException>(() => t.T.AsSpan<double>());
        Assert.Contains("AsSpan: the tensor of shape [4, 3] with strides [1, 4] is not contiguous", transposed.Message, StringComparison.Ordinal);
        var wrongType = Assert.Throws<InvalidOperationException>(() => t.AsMemory<float>());
        Assert.Contains("AsMemory<Single>: the tensor holds Float64 elements; use AsMemory<double>()", wrongType.Message, StringComparison.Ordinal);

        var disposed = Tensor.Ones(3);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => disposed.AsSpan<float>());
    }

    [Fact]
    public void A_write_through_a_span_followed_by_IncrementVersion_is_caught_by_backward()
    {
        var x = Tensor.FromArray(new double[] { 1, 2 }, requiresGrad: true);
        var y = x.Detach();
        var z = (x * y).Sum();                            // saves y
        int before = y.Version;
        y.AsSpan<double>()[0] = 10;
        Autograd.IncrementVersion(y);
        Assert.Equal(before + 1, y.Version);
        Assert.Throws<AutogradException>(() => z.Backward());
    }

    [Theory]
    [InlineData(DType.Float32, 5)]
    [InlineData(DType.Float64, 100_003)]                  // above the parallel split
    public void TryFusedAdamStepInPlace_is_bit_identical_to_the_unfused_ops(DType dtype, int n)
    {
        var g = new Generator(3);
        var (p, grad, m, v) = (Tensor.Randn([n], dtype, g), Tensor.Randn([n], dtype, g), Tensor.Randn([n], dtype, g), Tensor.Rand([n], dtype, g));
        var (p2, m2, v2) = (p.Clone(), m.Clone(), v.Clone());
        const double Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;
        double biasCorrection2 = 1 - Math.Pow(Beta2, 3), stepSize = 0.01 / (1 - Math.Pow(Beta1, 3));
        int version = p.Version;

        Assert.True(Tensor.TryFusedAdamStepInPlace(p, grad, m, v, Beta1, Beta2, biasCorrection2, Eps, stepSize));

        m2.MulInPlace(Beta1).AddInPlace(grad, 1 - Beta1);
        v2.MulInPlace(Beta2).AddcmulInPlace(grad, grad, 1 - Beta2);
        p2.AddcdivInPlace(m2, v2.Sqrt().DivInPlace(Math.Sqrt(biasCorrection2)).AddInPlace(Eps), -stepSize);
        Assert.Equal(p2.ToDoubleArray(), p.ToDoubleArray());
        Assert.Equal(m2.ToDoubleArray(), m.ToDoubleArray());
        Assert.Equal(v2.ToDoubleArray(), v.ToDoubleArray());
        Assert.True(p.Version > version);
    }

    [Fact]
    public void TryFusedAdamStepInPlace_declines_without_changing_anything_where_it_does_not_apply()
    {
        var g = new Generator(4);
        Tensor R(params int[] shape) => Tensor.Randn(shape, DType.Float64, g);
        var (p, grad, m, v) = (R(3, 4), R(3, 4), R(3, 4), R(3, 4));
        var snapshot = p.Clone();
        Assert.False(Tensor.TryFusedAdamStepInPlace(p, grad.T.Contiguous().T, m, v, 0.9, 0.999, 0.5, 1e-8, 0.1));      // non-contiguous
        Assert.False(Tensor.TryFusedAdamStepInPlace(p, R(4, 3), m, v, 0.9, 0.999, 0.5, 1e-8, 0.1));                    // another shape
        Assert.False(Tensor.TryFusedAdamStepInPlace(p, grad.To(DType.Float32), m, v, 0.9, 0.999, 0.5, 1e-8, 0.1));     // another dtype
        Assert.False(Tensor.TryFusedAdamStepInPlace(p, grad, m, m, 0.9, 0.999, 0.5, 1e-8, 0.1));                       // shared storage
        var leaf = p.Clone().SetRequiresGrad();
        Assert.False(Tensor.TryFusedAdamStepInPlace(leaf, grad, m, v, 0.9, 0.999, 0.5, 1e-8, 0.1));                    // autograd would record it
        Assert.Equal(snapshot.ToDoubleArray(), p.ToDoubleArray());
        using (Autograd.NoGrad())
        {
            Assert.True(Tensor.TryFusedAdamStepInPlace(leaf, grad, m, v, 0.9, 0.999, 0.5, 1e-8, 0.1));                 // an optimizer's step
        }
        Assert.Throws<ArgumentNullException>(() => Tensor.TryFusedAdamStepInPlace(p, null!, m, v, 0.9, 0.999, 0.5, 1e-8, 0.1));
    }

    [Fact]
    public void ReachableLeaves_lists_the_leaves_requiring_grad_that_a_backward_would_reach()
    {
        var a = Tensor.Ones([2], DType.Float64, requiresGrad: true);
        var b = Tensor.Ones([2], DType.Float64, requiresGrad: true);
        var unused = Tensor.Ones([2], DType.Float64, requiresGrad: true);
        var constant = Tensor.Ones([2], DType.Float64);
        var y = ((a * 2 + b * constant).Exp() * a).Sum();
        var leaves = Autograd.ReachableLeaves(y);
        Assert.Equal(2, leaves.Count);
        Assert.Contains(a, leaves);
        Assert.Contains(b, leaves);
        Assert.DoesNotContain(unused, leaves);
        Assert.Equal([a], Autograd.ReachableLeaves(a));
        Assert.Empty(Autograd.ReachableLeaves(constant));
    }
}
