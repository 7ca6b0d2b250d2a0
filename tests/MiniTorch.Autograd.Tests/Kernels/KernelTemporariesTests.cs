namespace MiniTorch.Tests.Kernels;

/// <summary>
/// Kernels that copy an operand into a contiguous temporary (a transposed operand of a binary op, a strided input of a
/// unary op or of Where, the permuted copy of a reduction or a scan) give it back to the buffer pool when done: with the
/// results disposed, a call in steady state allocates far less than one such temporary (a [128, 128] float32 copy is
/// 64 KB). Before, each call left its copy to the GC: 16 MB a call for x.T + y at [2048, 2048], a gen-2 collection
/// every few calls.
/// </summary>
public class KernelTemporariesTests
{
    private const int Side = 128;

    /// <summary>The least bytes per call over three windows of 50 calls, after 20 warm-up calls fill the pool.</summary>
    private static long BytesPerCall(Func<Tensor> op)
    {
        for (int i = 0; i < 20; i++)
        {
            op().Dispose();
        }
        long least = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++)
            {
                op().Dispose();
            }
            least = Math.Min(least, (GC.GetAllocatedBytesForCurrentThread() - before) / 50);
        }
        return least;
    }

    public static TheoryData<string> Ops() => new() { "transposed add", "strided exp", "max over dim 0", "where with a transposed operand", "cumsum over dim 0" };

    [Theory]
    [MemberData(nameof(Ops))]
    public void ATemporaryCopyGoesBackToThePool(string name)
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1; // the bytes counted are this thread's
            var x = Tensor.Randn([Side, Side], generator: new Generator(1));
            var y = Tensor.Randn([Side, Side], generator: new Generator(2));
            var mask = Tensor.Randn([Side, Side], generator: new Generator(3)) > 0;
            Func<Tensor> op = name switch
            {
                "transposed add" => () => x.T + y,
                "strided exp" => () => x.T.Exp(),
                "max over dim 0" => () => MiniTorch.Kernels.Reduction.Reduce("Max", x, [true, false], false, MiniTorch.Kernels.ReduceKind.Max),
                "where with a transposed operand" => () => Tensor.Where(mask, x.T, y),
                _ => () => x.Cumsum(0),
            };
            long bytes = BytesPerCall(op);
            Assert.True(bytes < Side * Side * sizeof(float) / 4, $"{name}: {bytes} bytes a call");
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }
}
