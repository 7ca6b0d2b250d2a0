namespace MiniTorch.Optim.Tests.Algorithms;

/// <summary>
/// The updates run as fused in-place passes: a step allocates no parameter-sized temporaries beyond the ones the
/// formula needs (Adam's and RMSprop's denominator), and nothing per element.
/// </summary>
public class StepAllocationTests
{
    private const int N = 250_000;
    private const long ParamBytes = N * sizeof(float);

    private static long AllocatedBySecondStep(Func<Tensor, Optimizer> create)
    {
        var p = Tensor.Randn([N], generator: new Generator(5)).SetRequiresGrad();
        p.Grad = Tensor.Randn([N], generator: new Generator(6));
        var optimizer = create(p);
        optimizer.Step();   // creates the state buffers
        long before = GC.GetAllocatedBytesForCurrentThread();
        optimizer.Step();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void SgdWithMomentumAllocatesNoParameterSizedBuffer()
    {
        long bytes = AllocatedBySecondStep(p => new Sgd([p], lr: 0.01, momentum: 0.9, dampening: 0.1));
        Assert.True(bytes < 16_384, $"SGD step allocated {bytes} bytes");
    }

    [Fact]
    public void AdamAllocatesOnlyItsDenominator()
    {
        long bytes = AllocatedBySecondStep(p => new Adam([p], lr: 0.01, amsgrad: true));
        Assert.True(bytes < ParamBytes + 16_384, $"Adam step allocated {bytes} bytes for a {ParamBytes}-byte parameter");
    }

    [Fact]
    public void RmsPropAllocatesOnlyItsDenominator()
    {
        long bytes = AllocatedBySecondStep(p => new RmsProp([p], lr: 0.01, momentum: 0.9, centered: true));
        Assert.True(bytes < ParamBytes + 16_384, $"RMSprop step allocated {bytes} bytes for a {ParamBytes}-byte parameter");
    }
}
