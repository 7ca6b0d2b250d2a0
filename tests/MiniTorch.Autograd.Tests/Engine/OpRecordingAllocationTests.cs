using MiniTorch.Kernels;

namespace MiniTorch.Tests.Engine;

/// <summary>
/// Every op records itself through one path (OpDefinition.Record); with no grad, forward AD or trace active it must cost
/// no allocation beyond the kernel's result: the operands go on the stack, the rules are static lambdas.
/// </summary>
public class OpRecordingAllocationTests
{
    /// <summary>
    /// The steady-state bytes per call: the least of five windows of 2,000 calls, so that a one-time allocation on this
    /// thread inside a window (the runtime's tiering of a method the op calls; seen once as 256 → 258 bytes a call)
    /// does not count as the op's.
    /// </summary>
    private static long BytesPerCall(Func<Tensor> op)
    {
        for (int i = 0; i < 100; i++)
        {
            op();
        }
        const int n = 2000;
        long least = long.MaxValue;
        for (int window = 0; window < 5; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < n; i++)
            {
                op();
            }
            least = Math.Min(least, (GC.GetAllocatedBytesForCurrentThread() - before) / n);
        }
        return least;
    }

    [Fact]
    public void ABinaryOpAllocatesOnlyItsResultWhenNothingRecords()
    {
        var a = Tensor.Rand([8]);
        var b = Tensor.Rand([8]);
        long kernel = BytesPerCall(() => Elementwise.Map("Mul", a, b, new MulOp()));
        Assert.Equal(kernel, BytesPerCall(() => a * b));
        Assert.Equal(kernel, BytesPerCall(() => a + b));
        Assert.Equal(kernel, BytesPerCall(() => a / b));
    }

    [Fact]
    public void AScalarOpAllocatesOnlyItsResultWhenNothingRecords()
    {
        var a = Tensor.Rand([8]);
        long kernel = BytesPerCall(() => Elementwise.Map(a, new ScalarOp<MulOp>(2, false)));
        Assert.Equal(kernel, BytesPerCall(() => a * 2));
        Assert.Equal(kernel, BytesPerCall(() => 2 - a));
        Assert.Equal(kernel, BytesPerCall(() => 2 / a));
    }

    [Fact]
    public void InputsThatDoNotRequireGradRecordNothingInGradMode()
    {
        var a = Tensor.Rand([8]);
        var b = Tensor.Rand([8]);
        long kernel = BytesPerCall(() => Elementwise.Map("Mul", a, b, new MulOp()));
        Assert.True(Autograd.IsGradEnabled);
        Assert.Equal(kernel, BytesPerCall(() => a * b));
    }

    [Fact]
    public void InputsThatRequireGradAllocateTheNodeAndItsEdgesOnly()
    {
        var a = Tensor.Rand([8]).SetRequiresGrad();
        var b = Tensor.Rand([8]).SetRequiresGrad();
        var plainA = a.Detach();
        var plainB = b.Detach();
        long kernel = BytesPerCall(() => plainA * plainB);
        long recorded = BytesPerCall(() => a * b);
        // One node (its two saved tensors inline) and one edge array of two: no per-op closure, array of saves or boxing.
        Assert.InRange(recorded - kernel, 1, 200);
    }
}
