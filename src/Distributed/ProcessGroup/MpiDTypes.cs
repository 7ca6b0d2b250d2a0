using MiniTorch.Distributed.Native;

namespace MiniTorch.Distributed;

/// <summary>
/// Which MPI datatype and op carry each MiniTorch dtype through a collective, and which combinations are refused.
/// Every switch lists each dtype and throws for anything else, so a dtype never falls through to another one's
/// datatype (an Int64 tensor reduced as doubles would be a silently wrong number).
/// </summary>
/// <remarks>
/// <para>Moving elements (Broadcast, AllGather) works for every dtype: Float16 and BFloat16 travel as their 16-bit
/// patterns (MPI_UINT16_T), which is exact because nothing is computed on them.</para>
/// <para>Reductions: floating and integer dtypes use MPI_SUM, MPI_MAX and MPI_MIN on their own datatype (integers wrap
/// on overflow, as PyTorch's in-place all_reduce does). Bool uses MPI_C_BOOL, on which the MPI standard allows only
/// the logical ops, so Sum and Max are logical or and Min is logical and, as PyTorch's NCCL backend maps them
/// (torch.distributed's <c>test_nccl_backend_bool_allreduce</c>). Avg is refused for integer and bool tensors (their
/// mean is not an integer; PyTorch's NCCL backend refuses AVG for bool, gloo and MPI refuse AVG altogether), and every
/// reduction is refused for Float16 and BFloat16, which Open MPI 4 cannot compute with.</para>
/// </remarks>
internal static class MpiDTypes
{
    /// <summary>The MPI datatype that moves <paramref name="dtype"/>'s elements unchanged (MPI must be loaded).</summary>
    /// <exception cref="NotSupportedException"><paramref name="dtype"/> is not a MiniTorch dtype.</exception>
    public static IntPtr Transfer(DType dtype, string operation) => dtype switch
    {
        DType.Float32 => MpiLibrary.Float,
        DType.Float64 => MpiLibrary.Double,
        DType.Int64 => MpiLibrary.Int64,
        DType.Int32 => MpiLibrary.Int32,
        DType.UInt8 => MpiLibrary.UInt8,
        DType.Bool => MpiLibrary.CBool,
        DType.Float16 or DType.BFloat16 => MpiLibrary.UInt16,
        _ => throw Unknown(dtype, operation),
    };

    /// <summary>
    /// Throws unless <paramref name="op"/> can reduce <paramref name="dtype"/>. Checked before any shortcut (a world of
    /// one, an empty tensor), so a program that is wrong on several ranks is already wrong on one.
    /// </summary>
    /// <exception cref="NotSupportedException">The combination is refused (see the class remarks), or the dtype is unknown.</exception>
    public static void CheckReduction(DType dtype, ReduceOp op, string operation)
    {
        CheckOp(op, operation);
        switch (dtype)
        {
            case DType.Float32 or DType.Float64:
                return;
            case DType.Int64 or DType.Int32 or DType.UInt8 or DType.Bool:
                if (op == ReduceOp.Avg)
                {
                    throw new NotSupportedException(
                        $"Distributed.{operation}: ReduceOp.Avg is not supported for {dtype.TorchName()} tensors, because the mean of {(dtype == DType.Bool ? "bools" : "integers")} " +
                        "is not one of them (PyTorch refuses it too: torch.mean of an integer tensor is an error, and its NCCL backend says \"Cannot use ReduceOp.AVG with boolean inputs\"). " +
                        "Reduce with ReduceOp.Sum and divide by Distributed.WorldSize, or convert with To(DType.Float32) first.");
                }
                return;
            case DType.Float16 or DType.BFloat16:
                throw new NotSupportedException(
                    $"Distributed.{operation}({op}): {dtype.TorchName()} tensors cannot be reduced over MPI: Open MPI 4 has no {dtype.ScalarTypeName()} datatype to compute with " +
                    "(MPI's half-precision type arrives as an extension in Open MPI 5). Convert with To(DType.Float32), reduce, and convert back; " +
                    $"Broadcast and AllGather of {dtype.TorchName()} work, since they only move the bits.");
            default:
                throw Unknown(dtype, operation);
        }
    }

    /// <summary>
    /// The dtype a reduction of <paramref name="dtype"/> runs in. UInt8 sums run in Int32 and wrap back to bytes
    /// afterwards: Open MPI 4.1's AVX reduction component adds 8- and 16-bit integers with saturation once a vector's
    /// worth of elements is reduced (200 + 201 gives 255 instead of 145; open-mpi/ompi#8045, closed as won't fix),
    /// where PyTorch's uint8 all_reduce wraps around 256. 32- and 64-bit integer sums wrap in every component.
    /// </summary>
    public static DType ReductionDType(DType dtype, ReduceOp op) => dtype == DType.UInt8 && op == ReduceOp.Sum ? DType.Int32 : dtype;

    /// <summary>The MPI datatype and op of a reduction that passed <see cref="CheckReduction"/> (MPI must be loaded).</summary>
    public static (IntPtr Type, IntPtr Op) Reduction(DType dtype, ReduceOp op, string operation)
    {
        CheckReduction(dtype, op, operation);
        if (dtype == DType.Bool)
        {
            // MPI_C_BOOL takes only the logical ops: "any rank true" is the sum's and the maximum's truth, "all ranks
            // true" the minimum's (PyTorch's NCCL backend maps bool SUM to MAX, both a bitwise or).
            return (MpiLibrary.CBool, op == ReduceOp.Min ? MpiLibrary.OpLogicalAnd : MpiLibrary.OpLogicalOr);
        }
        var mpiOp = op switch
        {
            ReduceOp.Sum or ReduceOp.Avg => MpiLibrary.OpSum,
            ReduceOp.Max => MpiLibrary.OpMax,
            ReduceOp.Min => MpiLibrary.OpMin,
            _ => throw UnknownOp(op, operation),
        };
        return (Transfer(dtype, operation), mpiOp);
    }

    private static void CheckOp(ReduceOp op, string operation)
    {
        if (op is not (ReduceOp.Sum or ReduceOp.Avg or ReduceOp.Max or ReduceOp.Min))
        {
            throw UnknownOp(op, operation);
        }
    }

    private static ArgumentOutOfRangeException UnknownOp(ReduceOp op, string operation) =>
        new(nameof(op), op, $"Distributed.{operation}: {(int)op} is not a ReduceOp (Sum, Avg, Max, Min).");

    private static NotSupportedException Unknown(DType dtype, string operation) =>
        new($"Distributed.{operation}: dtype {(int)dtype} is not a MiniTorch dtype, so it has no MPI datatype " +
            "(the collectives know Float32, Float64, Int64, Int32, UInt8, Bool, Float16 and BFloat16).");
}
