using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>The inner product of two 1-D tensors of the same length (PyTorch's <c>torch.dot</c>).</summary>
    public static Tensor Dot(Tensor a, Tensor b)
    {
        Elementwise.CheckSameDType("Dot", a, b);
        DTypeCheck.RequireFloating("Dot", a);
        if (a.Rank != 1 || b.Rank != 1)
        {
            throw new ArgumentException($"Dot: 1D tensors expected, but got {a.Rank}D and {b.Rank}D tensors (shapes {Shapes.Format(a._shape)} and {Shapes.Format(b._shape)}).");
        }
        if (a.Numel != b.Numel)
        {
            throw new ArgumentException($"Dot: inconsistent tensor size, expected tensor [{a.Numel}] and src [{b.Numel}] to have the same number of elements, but got {a.Numel} and {b.Numel} elements respectively.");
        }
        var ac = a.ContiguousRaw();
        var bc = b.ContiguousRaw();
        // The cascade sum of the products: as accurate as Sum (a running BLAS-style dot loses about 9% over 10⁷ float32 terms).
        var r = a.DType == DType.Float32
            ? Wrap(new[] { CascadeSum.Dot(ac.Data<float>(), ac.Offset, bc.Data<float>(), bc.Offset, a.Numel) }, [])
            : Wrap(new[] { CascadeSum.Dot(ac.Data<double>(), ac.Offset, bc.Data<double>(), bc.Offset, a.Numel) }, []);
        ac.DisposeIfCopyOf(a);
        bc.DisposeIfCopyOf(b);
        return DotDefinition.Record(r, [a, b]);
    }

    // Traced as Matmul: ONNX's MatMul has torch.matmul's rules for every rank. Bilinear, as Mul: each operand is
    // saved only when the other requires grad.
    private static readonly OpDefinition<NoArgs> DotDefinition = new("Matmul", "DotBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0).IfRequiresGrad(1), Save.Input(1).IfRequiresGrad(0)],
        Backward = static c => [c.NeedsGrad(0) ? c.Grad * c.Input(1) : null, c.NeedsGrad(1) ? c.Grad * c.Input(0) : null],
        Jvp = static c => BilinearTangent(c, static (a, b, _) => Dot(a, b)),
    };

    /// <summary>The matrix product of two 2-D tensors (PyTorch's <c>torch.mm</c>).</summary>
    public static Tensor Mm(Tensor a, Tensor b)
    {
        Elementwise.CheckSameDType("Mm", a, b);
        DTypeCheck.RequireFloating("Mm", a);
        if (a.Rank != 2 || b.Rank != 2)
        {
            throw new ArgumentException($"Mm: expected 2-D tensors, got shapes {Shapes.Format(a._shape)} and {Shapes.Format(b._shape)}.");
        }
        CheckInner("Mm", a, b, a._shape[1], b._shape[0]);
        var r = Empty([a._shape[0], b._shape[1]], a.DType);
        MultiplyInto(a, b, r, 1, a._shape[0], a._shape[1], b._shape[1]);
        return MmDefinition.Record(r, [a, b], TransposedOperands.Of(a, b));
    }

    private static readonly OpDefinition<TransposedOperands> MmDefinition = MatrixProductDefinition("MmBackward", static (a, b, _) => Mm(a, b));

    /// <summary>Batched matrix product of two 3-D tensors with the same batch size (PyTorch's <c>torch.bmm</c>).</summary>
    public static Tensor Bmm(Tensor a, Tensor b)
    {
        Elementwise.CheckSameDType("Bmm", a, b);
        DTypeCheck.RequireFloating("Bmm", a);
        if (a.Rank != 3 || b.Rank != 3 || a._shape[0] != b._shape[0])
        {
            throw new ArgumentException($"Bmm: expected 3-D tensors with the same batch size, got shapes {Shapes.Format(a._shape)} and {Shapes.Format(b._shape)}.");
        }
        CheckInner("Bmm", a, b, a._shape[2], b._shape[1]);
        var r = Empty([a._shape[0], a._shape[1], b._shape[2]], a.DType);
        MultiplyInto(a, b, r, a._shape[0], a._shape[1], a._shape[2], b._shape[2]);
        return BmmDefinition.Record(r, [a, b]);
    }

    private static readonly OpDefinition<TransposedOperands> BmmDefinition = MatrixProductDefinition("BmmBackward", static (a, b, _) => Bmm(a, b));

    // Mm and Bmm: dA = G·Bᵀ, dB = Aᵀ·G (the last two dims transposed); bilinear, so each operand is saved only when
    // the other requires grad. The product is captured once per definition, never per call. As PyTorch's
    // mm_mat2_backward, an operand that is a transposed matrix gets its gradient in the same layout, (Gᵀ·A)ᵀ instead of
    // Aᵀ·G, so the gradient of the matrix behind it (Linear's weight) comes out contiguous and AccumulateGrad takes it
    // as it is instead of transposing it on every step.
    private static OpDefinition<TransposedOperands> MatrixProductDefinition(string backwardName, Func<Tensor, Tensor, TransposedOperands, Tensor> product) => new("Matmul", backwardName)
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0).IfRequiresGrad(1), Save.Input(1).IfRequiresGrad(0)],
        Backward = static c =>
        [
            !c.NeedsGrad(0) ? null
                : c.Args.A ? Matmul(c.Input(1), c.Grad.Transpose(-1, -2)).Transpose(-1, -2) : Matmul(c.Grad, c.Input(1).Transpose(-1, -2)),
            !c.NeedsGrad(1) ? null
                : c.Args.B ? Matmul(c.Grad.Transpose(-1, -2), c.Input(0)).Transpose(-1, -2) : Matmul(c.Input(0).Transpose(-1, -2), c.Grad),
        ],
        Jvp = c => BilinearTangent(c, product),
    };

    /// <summary>
    /// The matrix product with PyTorch's <c>torch.matmul</c> rules: 1-D·1-D is a dot product, a 1-D operand is
    /// treated as a row (left) or column (right) vector and that dim is removed, and leading batch dims broadcast.
    /// </summary>
    public static Tensor Matmul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        DTypeCheck.RequireFloating("Matmul", a);
        DTypeCheck.RequireFloating("Matmul", b);
        if (a.Rank == 0 || b.Rank == 0)
        {
            throw new ArgumentException($"Matmul: both arguments need at least 1 dimension, but got shapes {Shapes.Format(a._shape)} and {Shapes.Format(b._shape)}.");
        }
        // Checked here, before delegating to Dot/Mm/Bmm, so the caller's errors name Matmul and its operands' shapes.
        Elementwise.CheckSameDType("Matmul", a, b);
        // Recorded by the products it dispatches to; traced as one op whatever the ranks: ONNX's MatMul has torch.matmul's rules.
        return MatmulDefinition.Record(MatmulDispatch(a, b), [a, b]);
    }

    private static readonly OpDefinition<NoArgs> MatmulDefinition = new("Matmul");

    private static Tensor MatmulDispatch(Tensor a, Tensor b)
    {
        if (a.Rank == 1 && b.Rank == 1)
        {
            CheckInner("Matmul", a, b, a._shape[0], b._shape[0]);
            return Dot(a, b);
        }
        if (a.Rank == 2 && b.Rank == 2)
        {
            CheckInner("Matmul", a, b, a._shape[1], b._shape[0]);
            return Mm(a, b);
        }
        if (a.Rank == 1 && b.Rank == 2)
        {
            CheckInner("Matmul", a, b, a._shape[0], b._shape[0]);
            return Mm(a.Unsqueeze(0), b).Squeeze(0);
        }
        if (a.Rank == 2 && b.Rank == 1)
        {
            CheckInner("Matmul", a, b, a._shape[1], b._shape[0]);
            return Mm(a, b.Unsqueeze(1)).Squeeze(1);
        }
        return BatchedMatmul(a, b);
    }

    /// <summary>Matrix product: <c>this.Matmul(other)</c> is <c>Tensor.Matmul(this, other)</c>.</summary>
    public Tensor Matmul(Tensor other) => Matmul(this, other);

    /// <summary>Inner product with another 1-D tensor.</summary>
    public Tensor Dot(Tensor other) => Dot(this, other);

    private static Tensor BatchedMatmul(Tensor a, Tensor b)
    {
        bool aVector = a.Rank == 1;
        bool bVector = b.Rank == 1;
        var a3 = aVector ? a.Unsqueeze(0) : a;
        var b3 = bVector ? b.Unsqueeze(1) : b;
        int n = a3._shape[^2], k = a3._shape[^1], m = b3._shape[^1];
        CheckInner("Matmul", a, b, k, b3._shape[^2]);
        Tensor r;
        if (b3.Rank == 2)
        {
            // (..., n, k)·(k, m): fold the batch into the rows of one matrix product.
            var batch = a3._shape[..^2];
            r = Mm(a3.Reshape(-1, k), b3).Reshape([.. batch, n, m]);
        }
        else
        {
            var batch = Shapes.Broadcast("Matmul", a3._shape[..^2], b3._shape[..^2]);
            int count = Shapes.Numel(batch);
            var ae = a3.Expand([.. batch, n, k]);
            var be = b3.Expand([.. batch, k, m]);
            if (batch.Length != 1 && (!ae.IsContiguous || !be.IsContiguous))
            {
                // Several batch dims over a permuted, transposed or broadcast operand (the attention's heads): each
                // product reads its operands in place, where folding the batch dims into one would copy them.
                r = GridBatchedProduct(ae, be);
            }
            else
            {
                if (batch.Length != 1)
                {
                    // Contiguous operands: the batch dims fold into one without a copy. With one batch dim Bmm takes
                    // the views as they are: the GEMM reads a stride-0 batch (a convolution's weight) or transposed
                    // matrices (the backward's) in place.
                    ae = ae.Reshape(count, n, k);
                    be = be.Reshape(count, k, m);
                }
                r = Bmm(ae, be).Reshape([.. batch, n, m]);
            }
        }
        if (aVector)
        {
            r = r.Squeeze(-2);
        }
        if (bVector)
        {
            r = r.Squeeze(-1);
        }
        return r;
    }

    /// <summary>
    /// r[i] = a[i]·b[i] over two or more batch dims that a and b share (already expanded), each operand read through
    /// its strides (<see cref="GridBatchGemm{T}"/>); recorded as a batched product (BmmBackward), whose gradients
    /// G·Bᵀ and Aᵀ·G are batched products of the same kind.
    /// </summary>
    private static Tensor GridBatchedProduct(Tensor a, Tensor b)
    {
        var batch = a._shape[..^2];
        int n = a._shape[^2], k = a._shape[^1], m = b._shape[^1];
        var r = k == 0 ? Zeros([.. batch, n, m], a.DType) : Empty([.. batch, n, m], a.DType);
        if (k > 0 && r.Numel > 0)
        {
            if (a.DType == DType.Float32)
            {
                GridBatchGemm<float>.Run(batch, n, m, k, a.Data<float>(), a.Offset, a._strides, b.Data<float>(), b.Offset, b._strides, r.Data<float>());
            }
            else
            {
                GridBatchGemm<double>.Run(batch, n, m, k, a.Data<double>(), a.Offset, a._strides, b.Data<double>(), b.Offset, b._strides, r.Data<double>());
            }
        }
        return GridBatchedDefinition.Record(r, [a, b], TransposedOperands.Of(a, b));
    }

    private static readonly OpDefinition<TransposedOperands> GridBatchedDefinition = MatrixProductDefinition("BmmBackward", static (a, b, _) => GridBatchedProduct(a, b));

    private static void CheckInner(string op, Tensor a, Tensor b, int inner, int other)
    {
        if (inner != other)
        {
            throw new ArgumentException($"{op}: shapes {Shapes.Format(a._shape)} and {Shapes.Format(b._shape)} cannot be multiplied ({inner} != {other}).");
        }
    }

    /// <summary>
    /// r[i] = a[i]·b[i] for each of <paramref name="batch"/> matrices (r contiguous). The GEMM reads a and b through
    /// their strides, so transposed views (the backward's G·Bᵀ and Aᵀ·G, Linear's x·Wᵀ) and broadcast batches
    /// (stride 0, as a convolution's weight against a batch of column matrices) are multiplied without a copy.
    /// </summary>
    private static void MultiplyInto(Tensor a, Tensor b, Tensor r, int batch, int n, int k, int m)
    {
        if (a.DType == DType.Float32)
        {
            MultiplyInto<float>(a, b, r, batch, n, k, m);
        }
        else
        {
            MultiplyInto<double>(a, b, r, batch, n, k, m);
        }
    }

    private static void MultiplyInto<T>(Tensor a, Tensor b, Tensor r, int batch, int n, int k, int m)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var sa = a.StridesArray;
        var sb = b.StridesArray;
        var am = new StridedMatrix<T>(a.Data<T>(), a.Offset, sa[^2], sa[^1]);
        var bm = new StridedMatrix<T>(b.Data<T>(), b.Offset, sb[^2], sb[^1]);
        int aBatch = a.Rank == 3 ? sa[0] : 0;
        int bBatch = b.Rank == 3 ? sb[0] : 0;
        Gemm.MultiplyBatched(batch, n, m, k, am, aBatch, bm, bBatch, r.Data<T>(), 0, n * m, m);
    }
}

/// <summary>Which operands of a matrix product are transposed matrices (Linear's weight, used as Wᵀ).</summary>
internal readonly record struct TransposedOperands(bool A, bool B)
{
    public static TransposedOperands Of(Tensor a, Tensor b) => new(IsTransposedMatrix(a), IsTransposedMatrix(b));

    private static bool IsTransposedMatrix(Tensor t) =>
        t.Rank == 2 && t.ShapeArray[0] > 1 && t.ShapeArray[1] > 1 && t.StridesArray[0] == 1 && t.StridesArray[1] == t.ShapeArray[0];
}
