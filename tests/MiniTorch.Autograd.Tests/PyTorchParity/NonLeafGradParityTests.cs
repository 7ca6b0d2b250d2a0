namespace MiniTorch.Tests.PyTorchParity;

/// <summary>
/// What PyTorch 1.13 says about a non-leaf's gradient and requires_grad flag: reading <c>.grad</c> of a non-leaf that
/// does not retain it warns (a <c>UserWarning</c>; here <see cref="Autograd.Warning"/>, once per tensor), and setting
/// <c>requires_grad</c> on a non-leaf raises "you can only change requires_grad flags of leaf variables."
/// </summary>
public class NonLeafGradParityTests
{
    private const string PyTorchWarning = "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.";

    /// <summary>The warnings raised on this thread while <paramref name="action"/> runs (other tests may run in parallel).</summary>
    private static List<AutogradWarningEventArgs> WarningsDuring(Action action)
    {
        var seen = new List<AutogradWarningEventArgs>();
        int thread = Environment.CurrentManagedThreadId;
        void Handler(object? sender, AutogradWarningEventArgs e)
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                seen.Add(e);
            }
        }
        Autograd.Warning += Handler;
        try
        {
            action();
        }
        finally
        {
            Autograd.Warning -= Handler;
        }
        return seen;
    }

    [Fact]
    public void ReadingANonLeafsGradWarnsOnceWithPyTorchsMessage()
    {
        var x = Tensor.Ones([2], DType.Float64, requiresGrad: true);
        var y = x * 2;
        y.Sum().Backward();
        Tensor? read = x; // not null, so the assertion below sees the read's value
        var warnings = WarningsDuring(() =>
        {
            read = y.Grad;
            _ = y.Grad; // the same tensor again: no second warning
        });
        Assert.Null(read);
        var w = Assert.Single(warnings);
        Assert.StartsWith(PyTorchWarning, w.Message);
        Assert.Same(y, w.Tensor);

        // Another non-leaf warns too (once per tensor).
        var z = y + 1;
        Assert.Single(WarningsDuring(() => _ = z.Grad));
    }

    [Fact]
    public void LeavesAndRetainedNonLeavesDoNotWarn()
    {
        var x = Tensor.Ones([2], DType.Float64, requiresGrad: true);
        var y = x * 2;
        y.RetainGrad();
        var constant = Tensor.Ones([2]);
        Tensor? beforeBackward = x;
        var warnings = WarningsDuring(() =>
        {
            beforeBackward = y.Grad; // retained: null before backward, no warning
            _ = x.Grad;
            _ = constant.Grad;
            (y * y).Sum().Backward();
        });
        Assert.Empty(warnings);
        Assert.Null(beforeBackward);
        Assert.Equal(new[] { 8.0, 8.0 }, x.Grad!.ToDoubleArray()); // d/dx of sum (2x)² = 8x
        Assert.Equal(new[] { 4.0, 4.0 }, y.Grad!.ToDoubleArray());
    }

    [Fact]
    public void BackwardIntoNonLeafInputsDoesNotWarn()
    {
        // Autograd.Backward(..., inputs) fills a non-leaf input's Grad; the engine's own read of it is not the user's.
        var x = Tensor.Ones([2], DType.Float64, requiresGrad: true);
        var y = x * 3;
        var warnings = WarningsDuring(() => Autograd.Backward((y * y).Sum(), inputs: [y]));
        Assert.Empty(warnings);
        Assert.Equal(new[] { 6.0, 6.0 }, y.Grad!.ToDoubleArray());
    }

    [Fact]
    public void SettingRequiresGradOnANonLeafThrowsPyTorchsErrors()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var y = x * 2;
        var on = Assert.Throws<AutogradException>(() => y.RequiresGrad = true);
        Assert.Contains("you can only change requires_grad flags of leaf variables.", on.Message);
        Assert.DoesNotContain("detach", on.Message);
        var off = Assert.Throws<AutogradException>(() => y.RequiresGrad = false);
        Assert.Contains("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().", off.Message);
        Assert.Contains("MulBackward", off.Message);
        Assert.True(y.RequiresGrad);
        Assert.False(y.IsLeaf);
    }

    [Fact]
    public void SetRequiresGradOnANonLeafFollowsRequiresGradUnderscore()
    {
        // PyTorch: y.requires_grad_(True) on a non-leaf is allowed (it already requires grad); requires_grad_(False) raises.
        var x = Tensor.Ones([2], requiresGrad: true);
        var y = x * 2;
        Assert.Same(y, y.SetRequiresGrad());
        Assert.True(y.RequiresGrad);
        var e = Assert.Throws<AutogradException>(() => y.SetRequiresGrad(false));
        Assert.Contains("use var_no_grad = var.detach()", e.Message);
        // Leaves change both ways.
        Assert.False(x.SetRequiresGrad(false).RequiresGrad);
        Assert.True(x.SetRequiresGrad(true).RequiresGrad);
    }
}
