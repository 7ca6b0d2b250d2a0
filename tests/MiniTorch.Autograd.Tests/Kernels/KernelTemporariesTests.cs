namespace MiniTorch.Tests.Kernels;

/// <summary>
/// Kernels that copy an operand into a contiguous temporary (a transposed operand of a binary op, a strided input of a
/// unary op, of Where, a convolution, GELU, LayerNorm or pooling, the permuted copy of a reduction or a scan, the backward's copies
/// of an expanded gradient) give it back to the buffer pool when done: with the
/// results disposed, a call in steady state allocates far less than one such temporary (a [128, 128] float32 copy is
/// 64 KB). Before, each call left its copy to the GC: 16 MB a call for x.T + y at [2048, 2048], a gen-2 collection
/// every few calls. Automatic reuse (<see cref="MemoryReuse"/>) is off while counting, or it would recycle a leaked
/// copy after a collection and hide the leak; the setting is process-wide, hence the collection that runs alone.
/// </summary>
[Collection(MiniTorch.Tests.Core.MemoryReuseCollection.Name)]
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

    public static TheoryData<string> Ops() => new()
    {
        "transposed add", "strided exp", "max over dim 0", "where with a transposed operand", "cumsum over dim 0",
        "conv of a permuted input", "conv backward of an expanded gradient", "gelu of a transposed input",
        "layer norm of a transposed input", "max pool of a permuted input", "unfold of a permuted input",
        "dtype conversion of a transposed input", "dot of strided vectors", "sum over dim 0 of a transposed input",
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void ATemporaryCopyGoesBackToThePool(string name)
    {
        int saved = Parallelism.MaxThreads;
        bool reuse = MemoryReuse.Enabled;
        try
        {
            Parallelism.MaxThreads = 1; // the bytes counted are this thread's
            MemoryReuse.Enabled = false;
            var x = Tensor.Randn([Side, Side], generator: new Generator(1));
            var y = Tensor.Randn([Side, Side], generator: new Generator(2));
            var mask = Tensor.Randn([Side, Side], generator: new Generator(3)) > 0;
            // [2, 8, 32, 32] as a permutation of a [2, 32, 32, 8] tensor (a 64 KB copy), and a 3×3 weight.
            var image = Tensor.Randn([2, 32, 32, 8], generator: new Generator(4)).Permute(0, 3, 1, 2);
            var w = Tensor.Randn([8, 8, 3, 3], generator: new Generator(5));
            var input = Tensor.Randn([2, 8, 32, 32], generator: new Generator(6)).SetRequiresGrad();
            var pairs = Tensor.Randn([Side * Side, 2], generator: new Generator(7)); // two 64 KB vectors of stride 2
            Func<Tensor> op = name switch
            {
                "transposed add" => () => x.T + y,
                "strided exp" => () => x.T.Exp(),
                "max over dim 0" => () => MiniTorch.Kernels.Reduction.Reduce("Max", x, [true, false], false, MiniTorch.Kernels.ReduceKind.Max),
                "where with a transposed operand" => () => Tensor.Where(mask, x.T, y),
                "conv of a permuted input" => () => Tensor.Conv2d(image, w, padding: (1, 1)),
                "gelu of a transposed input" => () => x.T.Gelu(),
                "layer norm of a transposed input" => () => x.T.LayerNorm([Side]),
                "max pool of a permuted input" => () => image.MaxPool2d((2, 2)),
                "unfold of a permuted input" => () => image.Im2Col((1, 1)),
                "dtype conversion of a transposed input" => () => x.T.To(DType.Float64),
                "sum over dim 0 of a transposed input" => () => x.T.Sum(0),
                "dot of strided vectors" => () => pairs.Select(1, 0).Dot(pairs.Select(1, 1)),
                "conv backward of an expanded gradient" => () =>
                {
                    // The sum's gradient reaches the convolution's backward as an expanded scalar, copied once there.
                    using var output = Tensor.Conv2d(input, w, padding: (1, 1));
                    using var loss = output.Sum();
                    return Autograd.Grad(loss, input);
                },
                _ => () => x.Cumsum(0),
            };
            long bytes = BytesPerCall(op);
            Assert.True(bytes < Side * Side * sizeof(float) / 4, $"{name}: {bytes} bytes a call");
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            MemoryReuse.Enabled = reuse;
        }
    }
}
