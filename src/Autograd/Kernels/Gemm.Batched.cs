using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>Batches of products of one shape: spread over the threads by batch index when each is too small to split.</summary>
internal static partial class Gemm
{
    /// <summary>
    /// C[i] = A[i]·B[i] for i &lt; <paramref name="batch"/>, matrix i of each operand <c>i · batch stride</c> elements after
    /// the first (a stride of 0 reuses one matrix for the whole batch). Products too small to split are spread over
    /// the threads by batch index instead.
    /// </summary>
    public static void MultiplyBatched<T>(int batch, int m, int n, int k, StridedMatrix<T> a, int aBatchStride, StridedMatrix<T> b, int bBatchStride,
        T[] c, int cOffset, int cBatchStride, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long work = (long)m * n * k;
        int threads = (int)Math.Clamp(work * batch / ParallelWorkPerThread, 1, Math.Min(batch, Parallelism.MaxThreads));
        if (threads > 1 && work < 2 * ParallelWorkPerThread)
        {
            // A few ranges per thread, claimed as threads come free, so a worker that starts late leaves its share.
            var job = GemmBatchJob<T>.ForThisThread;
            job.Set(batch, m, n, k, a, aBatchStride, b, bBatchStride, c, cOffset, cBatchStride, ldc, Math.Min(batch, threads * ParallelRunner.TasksPerThread));
            ParallelRunner.Run(job, job.Parts, threads);
            job.Clear();
            return;
        }
        for (int i = 0; i < batch; i++)
        {
            Multiply(m, n, k, a with { Offset = a.Offset + i * aBatchStride }, b with { Offset = b.Offset + i * bBatchStride },
                c, cOffset + i * cBatchStride, ldc);
        }
    }
}
