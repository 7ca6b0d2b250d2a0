using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.PyTorchParity;

/// <summary>
/// Index assignment with autograd, ported from PyTorch's test_autograd.py (test_setitem, test_setitem_mask,
/// test_leaf_assignment, test_no_grad_assignment): <c>y[index] = v</c> is an in-place op on the graph. Index tensors
/// are Int64 and masks Bool, as in PyTorch; <c>y[mask] = v</c> and <c>y[idx] = v</c> write through
/// <see cref="Tensor.IndexPutInPlace"/>, and PyTorch's list indices map to it directly.
/// </summary>
public class IndexAssignmentTests
{
    private static readonly Generator Rng = new(2024);

    private static Tensor Randn(params int[] shape) => Tensor.Randn(shape, DType.Float64, Rng);

    private static Tensor Ones(params int[] shape) => Tensor.Ones(shape, DType.Float64);

    /// <summary>PyTorch's _test_setitem: y = x + 2; y[index] = 2; the gradient of x is 1 except in the window.</summary>
    private static void SetitemCase(int[] size, TensorIndex[] index)
    {
        var x = Tensor.Ones(size, DType.Float64, requiresGrad: true);
        var y = x + 2;
        int version = y.Version;
        y[index] = Tensor.Scalar(2, DType.Float64);
        Assert.NotEqual(version, y.Version);
        y.Backward(Ones(size));
        var expected = Ones(size);
        expected[index] = Tensor.Scalar(0, DType.Float64);
        AssertClose(expected, x.Grad!);
        // The values were written.
        Assert.Equal(2.0, y.Detach()[index].Min().Item());
    }

    /// <summary>PyTorch's _test_setitem_tensor: the assigned value requires grad and gets ones.</summary>
    private static void SetitemTensorCase(int[] size, TensorIndex[] index)
    {
        var x = Tensor.Ones(size, DType.Float64, requiresGrad: true);
        var y = x + 2;
        int version = y.Version;
        var value = Tensor.Full(x.Detach()[index].Shape, 7, DType.Float64, requiresGrad: true);
        y[index] = value;
        Assert.NotEqual(version, y.Version);
        y.Backward(Ones(size));
        var expectedInput = Ones(size);
        expectedInput[index] = Tensor.Scalar(0, DType.Float64);
        AssertClose(expectedInput, x.Grad!);
        AssertClose(Tensor.OnesLike(value), value.Grad!);
    }

    [Fact]
    public void TestSetitem()
    {
        SetitemCase([5, 5], [1]);
        SetitemCase([5], [1]);
        SetitemCase([1], [0]);
        SetitemCase([5, 5, 5], [TensorIndex.All, TensorIndex.All, 1..3]);
        SetitemCase([5, 5, 5], [1, TensorIndex.All, ^1]);
        SetitemCase([5, 5, 5], [TensorIndex.Ellipsis, 2]);
        SetitemTensorCase([5, 5], [3]);
        SetitemTensorCase([5], [3]);
        SetitemTensorCase([5, 5, 5], [TensorIndex.All, TensorIndex.All, 1..3]);
        SetitemTensorCase([5, 5, 5], [TensorIndex.All, 1..4, TensorIndex.All]);
        SetitemTensorCase([5, 5, 5], [2.., 0, TensorIndex.NewAxis]);
    }

    [Fact]
    public void SetitemBroadcastsTheValueAndSumsItsGradient()
    {
        // PyTorch: x broadcasts as y[1] (x [4] into a [3, 4] window).
        var x = Randn(4).SetRequiresGrad();
        var y = Tensor.Zeros([2, 3, 4], DType.Float64);
        y[1] = x;
        var g = Randn(2, 3, 4);
        y.Backward(g);
        Assert.Equal(x.Shape, x.Grad!.Shape);
        AssertClose(g[1].Sum(0), x.Grad!);
    }

    [Fact]
    public void ValueWithLeadingOnesIsAccepted()
    {
        var y = Tensor.Zeros([2, 3], DType.Float64);
        var v = Tensor.FromArray([1.0, 2, 3], [1, 1, 3]).SetRequiresGrad();
        y[1] = v;
        AssertValues(y.Detach(), [2, 3], 0, 0, 0, 1, 2, 3);
        y.Sum().Backward();
        AssertValues(v.Grad!, [1, 1, 3], 1, 1, 1);
    }

    [Fact]
    public void TestSetitemAdvancedIndicesWithIndexPut()
    {
        // PyTorch's list-index cases of test_setitem: ((10,), [[0, 4, 2]]), ((5, 5), [[0, 4], [2, 2]]),
        // ((5, 5, 5), [[1, 3], [2, 4], :]); the value is the scalar 2, or a tensor requiring grad.
        void Case(int[] size, Tensor[] indices, bool tensorValue)
        {
            var x = Tensor.Ones(size, DType.Float64, requiresGrad: true);
            var y = x + 2;
            int version = y.Version;
            int[] slotShape = [indices[0].Numel, .. size[indices.Length..]];
            var value = tensorValue ? Tensor.Full(slotShape, 7, DType.Float64, requiresGrad: true) : Tensor.Scalar(2, DType.Float64);
            y.IndexPutInPlace(indices, value);
            Assert.NotEqual(version, y.Version);
            y.Backward(Ones(size));
            var expected = Ones(size).IndexPut(indices, Tensor.Scalar(0, DType.Float64));
            AssertClose(expected, x.Grad!);
            if (tensorValue)
            {
                AssertClose(Tensor.OnesLike(value), value.Grad!);
            }
        }
        foreach (bool tensorValue in new[] { false, true })
        {
            Case([10], [Tensor.IndexTensor(0, 4, 2)], tensorValue);
            Case([5, 5], [Tensor.IndexTensor(0, 4), Tensor.IndexTensor(2, 2)], tensorValue);
            Case([5, 5, 5], [Tensor.IndexTensor(1, 3), Tensor.IndexTensor(2, 4)], tensorValue);
        }
        // Repeated positions: accumulate sums them, and without accumulate they are refused.
        var z = Tensor.Zeros([4], DType.Float64).IndexPut([Tensor.IndexTensor(1, 1, 3)], Tensor.FromArray([1.0, 2, 3]), accumulate: true);
        AssertValues(z, [4], 0, 3, 0, 3);
        AssertThrows<ArgumentException>(() => Tensor.Zeros([4], DType.Float64).IndexPut([Tensor.IndexTensor(1, 1)], Tensor.FromArray([1.0, 2])), "IndexPut", "more than once");
    }

    [Fact]
    public void TestSetitemMask()
    {
        var draws = Tensor.Rand([5, 5], DType.Float64, Rng).ToDoubleArray();
        var mask = Tensor.FromArray(Array.ConvertAll(draws, static v => v > 0.5), [5, 5]);
        foreach (var (size, m) in new (int[], Tensor)[] { ([5, 5], mask), ([5], mask[0]), ([1], mask[0, 0..1]) })
        {
            // y[mask] = 2
            var x = Tensor.Ones(size, DType.Float64, requiresGrad: true);
            var y = x + 2;
            int version = y.Version;
            y[m] = Tensor.Scalar(2, DType.Float64);
            Assert.NotEqual(version, y.Version);
            y.Backward(Ones(size));
            var expected = Ones(size);
            expected[m] = Tensor.Scalar(0, DType.Float64);
            AssertClose(expected, x.Grad!);
        }
        foreach (var (size, m) in new (int[], Tensor)[] { ([5, 5], mask), ([5], mask[0]) })
        {
            // y[mask] = value, value requiring grad; once through the indexer, once through masked_scatter_.
            int count = m.Nonzero().Shape[0];
            var expected = Ones(size);
            expected[m] = Tensor.Scalar(0, DType.Float64);
            foreach (bool indexer in new[] { true, false })
            {
                var x = Tensor.Ones(size, DType.Float64, requiresGrad: true);
                var y = x + 2;
                var value = Tensor.Full([count], 7, DType.Float64, requiresGrad: true);
                if (indexer)
                {
                    y[m] = value;
                }
                else
                {
                    y.MaskedScatterInPlace(m, value);
                }
                y.Backward(Ones(size));
                AssertClose(expected, x.Grad!);
                AssertClose(Tensor.OnesLike(value), value.Grad!);
                AssertClose(Tensor.Full([count], 7, DType.Float64), y.Detach()[m]);
            }
        }
    }

    [Fact]
    public void TestLeafAssignment()
    {
        var x = Randn(5, 5);
        var y = Randn(5).SetRequiresGrad();
        var z = Randn(5).SetRequiresGrad();
        x[0] = y;
        x[1] = 2 * z;
        Assert.True(x.RequiresGrad);
        Assert.NotNull(x.GradFn);
        x.Sum().Backward();
        AssertClose(Ones(5), y.Grad!);
        AssertClose(Ones(5) * 2, z.Grad!);
    }

    [Fact]
    public void TestNoGradAssignment()
    {
        var x = Randn(5, 5).SetRequiresGrad();
        var y = Randn(5);
        using (Autograd.NoGrad())
        {
            x[0] = y;
        }
        Assert.True(x.RequiresGrad);
        Assert.Null(x.GradFn);
        AssertClose(y, x.Detach()[0]);
    }

    [Fact]
    public void AssigningIntoALeafThatRequiresGradIsRefused()
    {
        var x = Randn(3).SetRequiresGrad();
        AssertThrows<AutogradException>(() => x[0] = Tensor.Scalar(1, DType.Float64), "IndexPut", "leaf Variable that requires grad");
        AssertThrows<ArgumentException>(() => Tensor.Zeros([2, 3])[0] = Tensor.Ones([2]), "shape mismatch", "[2]", "[3]");
    }

    [Fact]
    public void AssignmentInvalidatesTensorsSavedBeforeIt()
    {
        var x = Randn(4).SetRequiresGrad();
        var y = x * 1;
        var z = y * y; // saves y
        y[1..3] = Tensor.Scalar(0, DType.Float64);
        AssertThrows<AutogradException>(() => z.Sum().Backward(), "modified by an inplace operation");
    }

    [Fact]
    public void IndexAssignmentPassesGradChecks()
    {
        var x = Randn(3, 4).SetRequiresGrad();
        var v = Randn(2, 1).SetRequiresGrad();
        Tensor SetRows(Tensor[] t)
        {
            var y = t[0] * 1;
            y[1.., 1..3] = t[1] * t[1]; // a broadcast value
            return y * y;
        }
        CheckGradients(SetRows, x, v);
        Assert.True(GradCheck.CheckForward(SetRows, [x, v]));
        Assert.True(GradCheck.CheckForwardReverseAgree(SetRows, [x, v]));

        var src = Randn(2, 4).SetRequiresGrad();
        var index = Tensor.IndexTensor(2, 0);
        CheckGradients(t => t[0].IndexCopy(0, index, t[1]).Sin(), x, src);
        CheckGradients(t => (t[0] * 1).IndexCopyInPlace(0, index, t[1]).Sin(), x, src);

        var mask = Tensor.FromArray([true, false, false, true, false, true, true, false, false, false, true, false], [3, 4]);
        var source = Randn(6).SetRequiresGrad();
        CheckGradients(t => t[0].MaskedScatter(mask, t[1]).Exp(), x, source);
        CheckGradients(t => (t[0] * 1).MaskedScatterInPlace(mask, t[1]).Exp(), x, source);
        CheckGradients(t => t[0].MaskedScatter(mask.Narrow(0, 1, 1), t[1]).Exp(), x, source); // a broadcast mask
        CheckGradients(t => (t[0] * 1).MaskedFillInPlace(mask, 0.5).Exp(), x);

        var values = Randn(2, 4).SetRequiresGrad();
        CheckGradients(t => (t[0] * 1).IndexPutInPlace([Tensor.IndexTensor(0, 2)], t[1]).Cos(), x, values);
        CheckGradients(t => t[0].IndexPut([Tensor.IndexTensor(0, 2, 0)], t[1].Narrow(0, 0, 1), accumulate: true).Cos(), x, values);
    }

    [Fact]
    public void ValuesMatchPyTorch()
    {
        // torch.arange(12.).view(3, 4).index_copy(0, tensor([2, 0]), -ones(2, 4)), masked_scatter with a row mask.
        var x = Tensor.Arange(0, 12, 1, DType.Float64).View(3, 4);
        AssertValues(x.IndexCopy(0, Tensor.IndexTensor(2, 0), -Ones(2, 4)), [3, 4], -1, -1, -1, -1, 4, 5, 6, 7, -1, -1, -1, -1);
        var rowMask = Tensor.FromArray([false, true, true, false]);
        AssertValues(x.MaskedScatter(rowMask, Tensor.FromArray([10.0, 20, 30, 40, 50, 60, 70])), [3, 4],
            0, 10, 20, 3, 4, 30, 40, 7, 8, 50, 60, 11);
        AssertThrows<ArgumentException>(() => x.MaskedScatter(rowMask, Tensor.FromArray([1.0, 2])), "MaskedScatter", "at least 6");
        // PyTorch 1.13 refuses non-bool masks in masked_scatter too.
        AssertThrows<ArgumentException>(() => x.MaskedScatter(Tensor.FromArray([0.0, 1, 1, 0]), Tensor.FromArray([1.0, 2])), "MaskedScatter", "Bool mask", "torch.float64");
        AssertThrows<ArgumentException>(() => x.IndexCopy(0, Tensor.IndexTensor(1, 1), Ones(2, 4)), "IndexCopy", "more than once");
    }
}
