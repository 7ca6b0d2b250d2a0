using MiniTorch.Tests.Ops;
using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Engine;

/// <summary>
/// Slices of one tensor (q, k and v selected from one projection) add their gradients straight into that tensor's
/// gradient sum, and a sum the pass made itself takes later gradients in place. These tests compare every gradient
/// with the recorded path (<c>createGraph</c>, which still makes each slice's zero tensor and adds out of place) and
/// with hand-built sums, and check that no tensor another node or user code holds is ever written.
/// </summary>
public class SliceGradientAccumulationTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void SelectsOfOnePermutedTensorGetTheGradientsOfTheRecordedPath(DType dtype)
    {
        var gen = new Generator(11);
        var x = Uniform(gen, [2, 5, 3 * 4]).To(dtype).Detach().SetRequiresGrad();
        var w = Uniform(gen, [2, 2, 5, 2], requiresGrad: false).To(dtype);
        Tensor Loss(Tensor input)
        {
            var qkv = (input * 2).View(2, 5, 3, 2, 2).Permute(2, 0, 3, 1, 4); // [3, b, h, t, dh]
            var (q, k, v) = (qkv.Select(0, 0), qkv.Select(0, 1), qkv.Select(0, 2));
            return ((q.Matmul(k.Transpose(-2, -1)).Softmax(-1).Matmul(v) * w).Sum() + qkv.Select(0, 1).Exp().Sum());
        }
        var fast = Autograd.Grad([Loss(x)], [x])[0]!;
        var recorded = Autograd.Grad([Loss(x)], [x], createGraph: true)[0]!;
        Assert.Equal(recorded.ToDoubleArray(), fast.ToDoubleArray());
        Assert.NotNull(recorded.GradFn);
    }

    [Fact]
    public void NarrowsAddIntoOneSumWithTheValuesOfTheirScatters()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2, 3, 4, 5, 6 }, [6], requiresGrad: true);
        var y = x * 1; // a non-leaf whose gradient the narrows fill
        var loss = (y.Narrow(0, 0, 2) * 10).Sum() + (y.Narrow(0, 1, 3) * 100).Sum() + (y.Narrow(0, 5, 1) * 1000).Sum();
        loss.Backward();
        Assert.Equal(new[] { 10.0, 110, 100, 100, 0, 1000 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void AGradientAnotherNodeAlsoReceivedIsNeverWrittenInPlace()
    {
        // AddBackward hands the same tensor to `a * 1` (through y) and to the leaf b; the narrow's gradient arrives
        // at y's sum after that tensor, so the sum is not the pass's own and must not be added into in place.
        foreach (bool narrowFirst in new[] { false, true })
        {
            var a = Tensor.FromArray(new[] { 1.0, 2, 3 }, requiresGrad: true);
            var b = Tensor.FromArray(new[] { 4.0, 5, 6 }, requiresGrad: true);
            var y = a * 1;
            var shared = (y + b) * Tensor.FromArray(new[] { 2.0, 3, 4 });
            var sliced = y.Narrow(0, 1, 2) * 7;
            var loss = narrowFirst ? sliced.Sum() + shared.Sum() : shared.Sum() + sliced.Sum();
            loss.Backward();
            Assert.Equal(new[] { 2.0, 10, 11 }, a.Grad!.ToDoubleArray());
            Assert.Equal(new[] { 2.0, 3, 4 }, b.Grad!.ToDoubleArray());
        }
    }

    [Fact]
    public void AnOwnedSumTakesLaterGradientsInPlaceWithoutTouchingTheirSources()
    {
        var a = Tensor.FromArray(new[] { 1.0, 2 }, requiresGrad: true);
        var b = Tensor.FromArray(new[] { 3.0, 4 }, requiresGrad: true);
        var c = Tensor.FromArray(new[] { 5.0, 6 }, requiresGrad: true);
        var y = a * 1;
        // y gets three gradients; the first two are also b's and c's (AddBackward passes one tensor to both sides).
        var loss = ((y + b) * 2).Sum() + ((y + c) * 3).Sum() + (y * 5).Sum();
        loss.Backward();
        Assert.Equal(new[] { 10.0, 10 }, a.Grad!.ToDoubleArray());
        Assert.Equal(new[] { 2.0, 2 }, b.Grad!.ToDoubleArray());
        Assert.Equal(new[] { 3.0, 3 }, c.Grad!.ToDoubleArray());
    }

    [Fact]
    public void HooksSeeTheSliceGradientAndTheWholeSum()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2, 3, 4 }, requiresGrad: true);
        var y = x * 1;
        var first = y.Narrow(0, 0, 2);
        var second = y.Narrow(0, 1, 3);
        double[]? seenFirst = null, seenWhole = null;
        first.RegisterHook(g =>
        {
            seenFirst = g.ToDoubleArray();
            return null;
        });
        y.RegisterHook(g =>
        {
            seenWhole = g.ToDoubleArray();
            return g * 2;
        });
        ((first * 3).Sum() + (second * 5).Sum()).Backward();
        Assert.Equal(new[] { 3.0, 3 }, seenFirst);
        Assert.Equal(new[] { 3.0, 8, 5, 5 }, seenWhole);
        Assert.Equal(new[] { 6.0, 16, 10, 10 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void RetainedGraphAccumulatesTwoPassesIntoTheLeaf()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2, 3 }, [3], requiresGrad: true);
        var y = x * 2;
        var loss = (y.Select(0, 0) * 3) + (y.Select(0, 2) * 4) + y.Narrow(0, 0, 2).Sum();
        loss.Backward(retainGraph: true);
        loss.Backward();
        Assert.Equal(new[] { 16.0, 4, 16 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void SelectsOfOneTensorStillHaveSecondDerivatives()
    {
        var gen = new Generator(12);
        CheckGradients(t =>
        {
            var qkv = t[0].View(3, 2, 4);
            return qkv.Select(0, 0).Matmul(qkv.Select(0, 1).Transpose(0, 1)).Softmax(-1).Matmul(qkv.Select(0, 2));
        }, Uniform(gen, [3, 8]));
    }
}
