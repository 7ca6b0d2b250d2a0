using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>AddInPlace, SubInPlace, MulInPlace, DivInPlace, FillInPlace, ZeroInPlace and CopyFromInPlace.</summary>
public class InPlaceTests
{
    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor>> Binary = new()
    {
        ["AddInPlace"] = (x, o) => x.AddInPlace(o),
        ["SubInPlace"] = (x, o) => x.SubInPlace(o),
        ["MulInPlace"] = (x, o) => x.MulInPlace(o),
        ["DivInPlace"] = (x, o) => x.DivInPlace(o),
    };

    public static TheoryData<string> BinaryNames() => new(Binary.Keys);

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void BinaryInPlace_ForwardValues_WithBroadcastOther(DType dtype)
    {
        var row = Make(dtype, [3], 1, 2, 4);
        var x = Make(dtype, [2, 3], 1, 2, 3, 4, 5, 6);
        Assert.Same(x, x.AddInPlace(row));
        AssertValues(x, [2, 3], 2, 4, 7, 5, 7, 10);
        x.SubInPlace(row);
        AssertValues(x, [2, 3], 1, 2, 3, 4, 5, 6);
        x.MulInPlace(row);
        AssertValues(x, [2, 3], 1, 4, 12, 4, 10, 24);
        x.DivInPlace(row);
        AssertValues(x, [2, 3], 1, 2, 3, 4, 5, 6);
        x.AddInPlace(row, alpha: -2);
        AssertValues(x, [2, 3], -1, -2, -5, 2, 1, -2);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void ScalarInPlace_ForwardValues(DType dtype)
    {
        var x = Make(dtype, [3], 1, 2, 4);
        x.AddInPlace(1).MulInPlace(2).SubInPlace(0.5).DivInPlace(4);
        AssertValues(x, [3], 0.875, 1.375, 2.375);
    }

    [Fact]
    public void InPlace_OnANonContiguousView_WritesThroughToTheBase()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], [2, 3]);
        x.T.AddInPlace(Tensor.FromArray([10.0, 20], [2]));
        AssertValues(x, [2, 3], 11, 12, 13, 24, 25, 26);
        x[.., 1].MulInPlace(0);
        AssertValues(x, [2, 3], 11, 0, 13, 24, 0, 26);
        x.Narrow(1, 2, 1).FillInPlace(-1);
        AssertValues(x, [2, 3], 11, 0, -1, 24, 0, -1);
    }

    [Fact]
    public void InPlace_WithAnOperandOverlappingTheTarget_ReadsTheOldValues()
    {
        // x += x.T must read the transposed old values, not ones already overwritten.
        var x = Tensor.FromArray([1.0, 2, 3, 4], [2, 2]);
        x.AddInPlace(x.T);
        AssertValues(x, [2, 2], 2, 5, 5, 8);
        var y = Tensor.FromArray([1.0, 2, 3], [3]);
        y.CopyFromInPlace(y.Narrow(0, 0, 1));
        AssertValues(y, [3], 1, 1, 1);
        var z = Tensor.FromArray([1.0, 2, 3, 4], [2, 2]);
        z.CopyFromInPlace(z.T);
        AssertValues(z, [2, 2], 1, 3, 2, 4);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void FillZeroCopy_ForwardValues(DType dtype)
    {
        var x = Make(dtype, [2, 2], 1, 2, 3, 4);
        Assert.Same(x, x.FillInPlace(2.5));
        AssertValues(x, [2, 2], 2.5, 2.5, 2.5, 2.5);
        x.ZeroInPlace();
        AssertValues(x, [2, 2], 0, 0, 0, 0);
        x.CopyFromInPlace(Make(dtype, [2, 1], 7, 8));
        AssertValues(x, [2, 2], 7, 7, 8, 8);
        x.CopyFromInPlace(Make(dtype, [2, 2], 1, 2, 3, 4).T);
        AssertValues(x, [2, 2], 1, 3, 2, 4);
    }

    [Fact]
    public void InPlace_BumpsTheVersionSharedByViews()
    {
        var x = Tensor.Zeros([2, 2], DType.Float64);
        var view = x[0];
        int v0 = x.Version;
        x.AddInPlace(1);
        view.MulInPlace(2);
        x.FillInPlace(3);
        x.CopyFromInPlace(Tensor.Ones([2], DType.Float64));
        Assert.Equal(v0 + 4, x.Version);
        Assert.Equal(x.Version, view.Version);
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryInPlace_OnANonLeaf_GradientsMatchFiniteDifferences(string name)
    {
        var g = new Generator(191);
        var a = Uniform(g, [2, 3]);
        // Away from zero: DivInPlace divides by it.
        var b = AwayFromZero(g, [3], 0.5, 1.5);
        CheckGradients(t =>
        {
            var y = t[0] * 1.5; // a fresh non-leaf, so the in-place op does not touch the checked input
            return Binary[name](y, t[1]);
        }, a, b);
        // Only the target requires grad; the other operand is a constant (broadcast column). The target comes from
        // an op that saves no output (Exp would, and writing into it would rightly make backward throw).
        var constant = AwayFromZero(g, [2, 1], 0.5, 1.5, requiresGrad: false);
        CheckGradients(t => Binary[name](t[0] * t[0], constant), a);
        // Only the other operand requires grad; the target is a fresh leaf that does not.
        CheckGradients(t => Binary[name](Tensor.FullLike(t[0], 2.0), t[1]), a, b);
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryInPlace_OnANonLeaf_GradientsMatchFiniteDifferences_OnNonContiguousOperands(string name)
    {
        var g = new Generator(192);
        var a = Uniform(g, [3, 2]);
        var b = AwayFromZero(g, [3, 4], 0.5, 1.5);
        CheckGradients(t => Binary[name](t[0].T * 1, t[1].T.Narrow(0, 1, 2)), a, b);
        CheckGradients(t => Binary[name](t[0].T.Contiguous() * t[0].T, t[1].Select(1, 2).Narrow(0, 0, 2).Unsqueeze(1).Expand(2, 3)), a, b);
    }

    [Fact]
    public void ScalarInPlace_OnANonLeaf_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(193);
        var a = Uniform(g, [2, 3]);
        CheckGradients(t => (t[0] * t[0]).AddInPlace(2).MulInPlace(-3).SubInPlace(1).DivInPlace(4), a);
        CheckGradients(t => (t[0] * 1).AddInPlace(t[0] * t[0], alpha: 0.5), a);
    }

    [Fact]
    public void AddInPlace_OfAViewOfItself_GradientsMatchFiniteDifferences()
    {
        // y += yᵀ reads the old y through a view while overwriting it: values and gradients must both use the old y.
        var g = new Generator(196);
        var a = Uniform(g, [3, 3]);
        CheckGradients(t =>
        {
            var y = t[0] * t[0];
            return y.AddInPlace(y.T);
        }, a);
    }

    [Fact]
    public void InPlace_OnALeafThatDoesNotRequireGrad_StartsRecordingHistory()
    {
        var w = Tensor.FromArray([1.0, 2], [2], requiresGrad: true);
        var buffer = Tensor.Zeros([2], DType.Float64);
        buffer.AddInPlace(w * 3);
        Assert.True(buffer.RequiresGrad);
        Assert.False(buffer.IsLeaf);
        (buffer * buffer).Sum().Backward();
        AssertValues(w.Grad!, [2], 18, 36);
    }

    [Fact]
    public void MulInPlace_WithAnOtherThatRequiresGrad_UsesTheOldValue_MatchesPyTorch()
    {
        // PyTorch saves self.clone() for in-place ops whose derivative needs the old self: d(y·w)/dw = old y.
        var x = Tensor.FromArray([1.0, 2], [2], requiresGrad: true);
        var w = Tensor.FromArray([3.0, 5], [2], requiresGrad: true);
        var y = x * 2;
        y.MulInPlace(w);
        AssertValues(y, [2], 6, 20);
        y.Sum().Backward();
        AssertValues(w.Grad!, [2], 2, 4);
        AssertValues(x.Grad!, [2], 6, 10);
    }

    [Fact]
    public void FillInPlace_OnANonLeaf_CutsTheGradientToItsPast_MatchesPyTorch()
    {
        // PyTorch's fill_ backward is zeros_like(grad): the filled tensor still requires grad, but its old value's
        // history gets nothing.
        var x = Tensor.FromArray([1.0, 2], [2], requiresGrad: true);
        var y = x * 2;
        y.FillInPlace(3);
        Assert.True(y.RequiresGrad);
        AssertValues(y, [2], 3, 3);
        (y * x).Sum().Backward();
        AssertValues(x.Grad!, [2], 3, 3);
    }

    [Fact]
    public void ZeroInPlace_OnANonLeaf_CutsTheGradientToItsPast_MatchesPyTorch()
    {
        var x = Tensor.FromArray([1.0, 2], [2], requiresGrad: true);
        var y = x * x;
        y.ZeroInPlace();
        Assert.True(y.RequiresGrad);
        AssertValues(y, [2], 0, 0);
        (y + x).Sum().Backward();
        AssertValues(x.Grad!, [2], 1, 1);
    }

    [Fact]
    public void CopyFromInPlace_GradientGoesToTheSourceOnly_MatchesPyTorch()
    {
        // PyTorch's copy_: self gets zeros, src gets the gradient (summed over any broadcast).
        var x = Tensor.FromArray([1.0, 2], [2], requiresGrad: true);
        var y = x * 2;
        y.CopyFromInPlace(Tensor.FromArray([5.0, 6], [2]));
        AssertValues(y, [2], 5, 6);
        Assert.True(y.RequiresGrad);
        (y * x).Sum().Backward();
        AssertValues(x.Grad!, [2], 5, 6);

        var g = new Generator(194);
        var a = Uniform(g, [2, 3]);
        var source = Uniform(g, [3]);
        CheckGradients(t => (t[0] * 2).CopyFromInPlace(t[1]) * t[0], a, source);
        CheckGradients(t => Tensor.ZerosLike(t[0]).CopyFromInPlace(t[1].Exp()), a, source);
    }

    [Fact]
    public void FillInPlace_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(195);
        var a = Uniform(g, [2, 3]);
        CheckGradients(t => (t[0] * 2).FillInPlace(1.5) * t[0], a);
        CheckGradients(t => t[0].Sin().ZeroInPlace() + t[0] * t[0], a);
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryInPlace_OnALeafThatRequiresGrad_Throws(string name)
    {
        var leaf = Tensor.Ones([2], requiresGrad: true);
        AssertThrows<AutogradException>(() => Binary[name](leaf, Tensor.Ones(2)), $"{name}:", "leaf Variable that requires grad", "in-place operation", "NoGrad");
        // Inside NoGrad it is allowed, as optimizers need.
        using (Autograd.NoGrad())
        {
            Binary[name](leaf, Tensor.Ones(2));
        }
        Assert.True(leaf.IsLeaf);
    }

    [Fact]
    public void FillCopy_OnALeafThatRequiresGrad_Throw()
    {
        var leaf = Tensor.Ones([2], requiresGrad: true);
        AssertThrows<AutogradException>(() => leaf.FillInPlace(0), "FillInPlace:", "leaf Variable that requires grad");
        AssertThrows<AutogradException>(() => leaf.ZeroInPlace(), "ZeroInPlace:", "leaf Variable that requires grad");
        AssertThrows<AutogradException>(() => leaf.CopyFromInPlace(Tensor.Ones(2)), "CopyFromInPlace:", "leaf Variable that requires grad");
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryInPlace_OnAViewOfATensorInAutograd_Throws(string name)
    {
        var y = Tensor.Ones([2, 2], requiresGrad: true) * 1;
        AssertThrows<AutogradException>(() => Binary[name](y[0], Tensor.Ones(2)), $"{name}:", "in-place operation on a view", "[2]");
        var plain = Tensor.Ones(2, 2);
        AssertThrows<AutogradException>(() => Binary[name](plain[0], Tensor.Ones([2], requiresGrad: true)), $"{name}:", "in-place operation on a view");
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryInPlace_OtherThatWouldGrowTheTarget_Throws(string name)
    {
        var x = Tensor.Ones(3);
        AssertThrows<ArgumentException>(() => Binary[name](x, Tensor.Ones(2, 3)), $"{name}:", "output with shape [3]", "broadcast shape [2, 3]");
        AssertThrows<ArgumentException>(() => Binary[name](x, Tensor.Ones(2)), $"{name}:", "[3]", "[2]", "cannot be broadcast");
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryInPlace_MixedDTypes_ComputeInTheResultTypeAndKeepTheTargetsDType(string name)
    {
        // PyTorch: float32.add_(float64) computes in float64 and writes back as float32.
        var x = Tensor.FromArray(new float[] { 3f, 5f }, [2]);
        var r = Binary[name](x, Tensor.FromArray([2.0, 0.5], [2]));
        Assert.Same(x, r);
        Assert.Equal(DType.Float32, x.DType);
        double[] expected = name switch
        {
            "AddInPlace" => [5, 5.5],
            "SubInPlace" => [1, 4.5],
            "MulInPlace" => [6, 2.5],
            _ => [1.5, 10],
        };
        Assert.Equal(expected, x.ToDoubleArray());
    }

    [Fact]
    public void InPlace_OnAnExpandedTensor_Throws_AsPyTorch()
    {
        // Several elements of an expanded view share one memory location, so an in-place write has no single
        // meaning (x + 1 written three times, or x + 3?); PyTorch refuses it in every grad mode, and so must we.
        var x = Tensor.FromArray([1.0, 2], [2, 1]);
        AssertThrows<ArgumentException>(() => x.Expand(2, 3).AddInPlace(1), "AddInPlace:", "more than one element", "single memory location", "[2, 3]", "Clone()");
        using (Autograd.NoGrad())
        {
            AssertThrows<ArgumentException>(() => x.Expand(2, 3).MulInPlace(Tensor.Ones([3], DType.Float64)), "MulInPlace:", "single memory location");
            AssertThrows<ArgumentException>(() => x.Expand(2, 2).FillInPlace(0), "FillInPlace:", "single memory location");
            AssertThrows<ArgumentException>(() => x.Expand(2, 2).CopyFromInPlace(Tensor.Zeros([2, 2], DType.Float64)), "CopyFromInPlace:", "single memory location");
        }
        AssertValues(x, [2, 1], 1, 2);
        // A size-1 dim expanded to size 1 overlaps nothing and stays writable.
        x.Expand(2, 1).AddInPlace(1);
        AssertValues(x, [2, 1], 2, 3);
    }

    [Fact]
    public void CopyFromInPlace_ConvertsTheSourceToTheTargetsDType_AsPyTorch()
    {
        var x = Tensor.Ones(3);
        x.CopyFromInPlace(Tensor.FromArray([0.1, -2.7, 3.0], [3]));
        Assert.Equal(DType.Float32, x.DType);
        Assert.Equal(new[] { 0.1f, -2.7f, 3f }, x.ToFloatArray());
        var n = Tensor.FromArray([0L, 0L, 0L]);
        n.CopyFromInPlace(Tensor.FromArray([-2.7, 2.7, 0.5], [3]));
        Assert.Equal(new[] { -2L, 2L, 0L }, n.ToLongArray()); // float → int truncates toward zero
    }

    [Fact]
    public void CopyFromInPlace_Errors()
    {
        var x = Tensor.Ones(3);
        AssertThrows<ArgumentException>(() => x.CopyFromInPlace(Tensor.Ones(2, 3)), "CopyFromInPlace:", "output with shape [3]", "[2, 3]");
        AssertThrows<ArgumentException>(() => x.CopyFromInPlace(Tensor.Ones(4)), "CopyFromInPlace:", "[3]", "[4]");
    }

    [Fact]
    public void ModifyingASavedTensorInPlace_MakesBackwardThrow()
    {
        var x = Tensor.FromArray([1.0, 2], [2], requiresGrad: true);
        var y = x * 1;
        var z = y.Exp(); // saves its output z
        var w = y * y;   // saves y
        z.AddInPlace(1);
        AssertThrows<AutogradException>(() => z.Sum().Backward(), "modified by an inplace operation", "ExpBackward", "version");
        y.MulInPlace(2);
        AssertThrows<AutogradException>(() => w.Sum().Backward(), "modified by an inplace operation", "MulBackward", "expected version");
    }
}
