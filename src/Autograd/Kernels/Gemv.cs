using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniTorch.Kernels;

/// <summary>
/// y = A·x (or y += A·x) for a strided A (m × k) and strided vectors: the GEMM shapes with one column (X·w in a
/// linear regression) or one row (its backward, gᵀ·X, is served as Xᵀ·g). Each element of A is used once, so the
/// speed is the speed of reading A: rows of A that are contiguous are reduced four at a time against x, columns that
/// are contiguous are added four at a time into y, and only a fully strided A takes the scalar loop. Large products
/// are split over the threads by rows of y, or by ranges of k when y is short and A column-contiguous (see <see cref="GemvJob{T}"/>).
/// </summary>
internal static unsafe class Gemv
{
    private const long ParallelWorkPerThread = 1L << 17; // multiply-adds; GEMV is bound by memory, which a second core helps less

    /// <summary>y[i·incy] = (or +=) Σₚ A[i, p]·x[p·incx], i &lt; m, p &lt; k.</summary>
    public static void Multiply<T>(int m, int k, StridedMatrix<T> a, T[] x, int xOffset, int incx, T[] y, int yOffset, int incy,
        bool accumulate, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool splitK = a.RowStride == 1 && m < GemvJob<T>.SplitKMaxRows;
        int parts = splitK ? k / 64 : m / 16; // enough work per part that the split pays
        int threads = (int)Math.Clamp((long)m * k / ParallelWorkPerThread, 1, Math.Max(1, Math.Min(maxThreads, parts)));
        var job = GemvJob<T>.ForThisThread;
        job.Set(m, k, a, x, xOffset, incx, y, yOffset, incy, accumulate, threads);
        ParallelRunner.Run(job, threads, threads);
        job.Finish(threads);
        job.Clear();
    }

    /// <summary>Rows <paramref name="m0"/> … <paramref name="m1"/> − 1 of y, on the calling thread.</summary>
    internal static void MultiplyRows<T>(int m0, int m1, int k, StridedMatrix<T> a, T[] x, int xOffset, int incx, T[] y, int yOffset, int incy,
        bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* ap = a.Data, xp = x, yp = y)
        {
            T* a0 = ap + a.Offset + (nint)m0 * a.RowStride;
            T* x0 = xp + xOffset;
            T* y0 = yp + yOffset + (nint)m0 * incy;
            int m = m1 - m0;
            if (a.ColStride == 1)
            {
                if (incx != 1)
                {
                    x0 = Gather(k, x0, incx);
                }
                RowsDot(m, k, a0, a.RowStride, x0, y0, incy, accumulate);
            }
            else if (a.RowStride == 1)
            {
                T* target = y0;
                if (incy != 1)
                {
                    target = accumulate ? Gather(m, y0, incy) : GemmBuffers<T>.Vector(m);
                }
                ColumnsAxpy(m, k, a0, a.ColStride, x0, incx, target, accumulate);
                if (incy != 1)
                {
                    for (int i = 0; i < m; i++)
                    {
                        y0[i * incy] = target[i];
                    }
                }
            }
            else
            {
                for (int i = 0; i < m; i++)
                {
                    T sum = T.Zero;
                    T* row = a0 + i * a.RowStride;
                    for (int p = 0; p < k; p++)
                    {
                        sum += row[p * a.ColStride] * x0[p * incx];
                    }
                    y0[i * incy] = accumulate ? y0[i * incy] + sum : sum;
                }
            }
        }
    }

    private static T* Gather<T>(int length, T* source, nint stride)
        where T : unmanaged
    {
        T* buffer = GemmBuffers<T>.Vector(length);
        for (int i = 0; i < length; i++)
        {
            buffer[i] = source[i * stride];
        }
        return buffer;
    }

    /// <summary>Contiguous rows: four dot products share each load of x.</summary>
    private static void RowsDot<T>(int m, int k, T* a, nint lda, T* x, T* y, nint incy, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            T* r0 = a + i * lda, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
            Vector<T> s0 = default, s1 = default, s2 = default, s3 = default;
            int p = 0;
            for (; p + w <= k; p += w)
            {
                var xv = Vector.Load(x + p);
                s0 = Fma(Vector.Load(r0 + p), xv, s0);
                s1 = Fma(Vector.Load(r1 + p), xv, s1);
                s2 = Fma(Vector.Load(r2 + p), xv, s2);
                s3 = Fma(Vector.Load(r3 + p), xv, s3);
            }
            T t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
            for (; p < k; p++)
            {
                t0 += r0[p] * x[p];
                t1 += r1[p] * x[p];
                t2 += r2[p] * x[p];
                t3 += r3[p] * x[p];
            }
            Put(y + i * incy, t0, accumulate);
            Put(y + (i + 1) * incy, t1, accumulate);
            Put(y + (i + 2) * incy, t2, accumulate);
            Put(y + (i + 3) * incy, t3, accumulate);
        }
        for (; i < m; i++)
        {
            T* r = a + i * lda;
            Vector<T> s = default;
            int p = 0;
            for (; p + w <= k; p += w)
            {
                s = Fma(Vector.Load(r + p), Vector.Load(x + p), s);
            }
            T t = Vector.Sum(s);
            for (; p < k; p++)
            {
                t += r[p] * x[p];
            }
            Put(y + i * incy, t, accumulate);
        }
    }

    /// <summary>Contiguous columns: y gets four scaled columns per pass, so it is read and written k/4 times, not k.</summary>
    private static void ColumnsAxpy<T>(int m, int k, T* a, nint lda, T* x, nint incx, T* y, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!accumulate)
        {
            new Span<T>(y, m).Clear();
        }
        int w = Vector<T>.Count;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            T* c0 = a + p * lda, c1 = c0 + lda, c2 = c1 + lda, c3 = c2 + lda;
            T x0 = x[p * incx], x1 = x[(p + 1) * incx], x2 = x[(p + 2) * incx], x3 = x[(p + 3) * incx];
            var v0 = new Vector<T>(x0);
            var v1 = new Vector<T>(x1);
            var v2 = new Vector<T>(x2);
            var v3 = new Vector<T>(x3);
            int i = 0;
            for (; i + w <= m; i += w)
            {
                var s = Vector.Load(y + i);
                s = Fma(Vector.Load(c0 + i), v0, s);
                s = Fma(Vector.Load(c1 + i), v1, s);
                s = Fma(Vector.Load(c2 + i), v2, s);
                s = Fma(Vector.Load(c3 + i), v3, s);
                s.Store(y + i);
            }
            for (; i < m; i++)
            {
                y[i] += c0[i] * x0 + c1[i] * x1 + c2[i] * x2 + c3[i] * x3;
            }
        }
        for (; p < k; p++)
        {
            T* col = a + p * lda;
            T xp = x[p * incx];
            var v = new Vector<T>(xp);
            int i = 0;
            for (; i + w <= m; i += w)
            {
                Fma(Vector.Load(col + i), v, Vector.Load(y + i)).Store(y + i);
            }
            for (; i < m; i++)
            {
                y[i] += col[i] * xp;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<T>(T* y, T value, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> => *y = accumulate ? *y + value : value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> c)
        where T : unmanaged, IFloatingPointIeee754<T> => typeof(T) == typeof(float)
        ? Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>()
        : Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
}
