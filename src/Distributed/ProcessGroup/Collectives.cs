using System.Numerics.Tensors;
using MiniTorch.Distributed.Native;

namespace MiniTorch.Distributed;

public static partial class Distributed
{
    /// <summary>
    /// Reduces <paramref name="tensor"/> over all ranks in place: afterwards every rank holds the element-wise sum,
    /// mean, maximum or minimum (PyTorch's <c>dist.all_reduce(tensor, op)</c>). Non-contiguous tensors are reduced
    /// through a contiguous copy and written back.
    /// </summary>
    /// <remarks>
    /// Integer tensors (Int64, Int32, UInt8) keep their dtype and wrap on overflow, as PyTorch's in-place all_reduce
    /// does. Bool tensors reduce logically: Sum and Max give "true on any rank", Min "true on every rank" (PyTorch's
    /// NCCL backend). Avg needs a floating tensor, and Float16/BFloat16 cannot be reduced (Open MPI 4 has no type for them).
    /// </remarks>
    /// <exception cref="DistributedException">Not initialised, or the tensor is an expanded view with overlapping elements.</exception>
    /// <exception cref="NotSupportedException">Avg of an integer or bool tensor, or any reduction of a Float16 or BFloat16 tensor.</exception>
    public static unsafe void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        var env = Current(nameof(AllReduce));
        CheckWritable(nameof(AllReduce), tensor);
        MpiDTypes.CheckReduction(tensor.DType, op, nameof(AllReduce));
        if (env.WorldSize == 1 || tensor.Numel == 0)
        {
            return;
        }
        var stageAs = MpiDTypes.ReductionDType(tensor.DType, op);
        var (mpiType, mpiOp) = MpiDTypes.Reduction(stageAs, op, nameof(AllReduce));
        using var buffer = new TensorBuffer(tensor, stageAs);
        MpiLibrary.Check(MpiNative.Allreduce((void*)MpiLibrary.InPlace, buffer.Pointer, buffer.Count, mpiType, mpiOp, MpiLibrary.CommWorld),
            $"Distributed.AllReduce({op}) of {buffer.Count} {tensor.DType} elements (MPI_Allreduce)");
        if (op == ReduceOp.Avg)
        {
            DivideInPlace(buffer.Staged, env.WorldSize);
        }
        buffer.CopyBack();
    }

    /// <summary>
    /// Starts reducing <paramref name="tensor"/> in place over all ranks without waiting (PyTorch's
    /// <c>dist.all_reduce(tensor, op, async_op=True)</c>, on MPI_Iallreduce); <see cref="DistributedWork.Wait"/> completes it.
    /// The tensor must not be read or written until then. Dtypes and ops as <see cref="AllReduce"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">Avg of an integer or bool tensor, or any reduction of a Float16 or BFloat16 tensor.</exception>
    public static unsafe DistributedWork AllReduceAsync(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        var env = Current(nameof(AllReduceAsync));
        CheckWritable(nameof(AllReduceAsync), tensor);
        MpiDTypes.CheckReduction(tensor.DType, op, nameof(AllReduceAsync));
        if (env.WorldSize == 1 || tensor.Numel == 0)
        {
            return DistributedWork.Completed;
        }
        var stageAs = MpiDTypes.ReductionDType(tensor.DType, op);
        var (mpiType, mpiOp) = MpiDTypes.Reduction(stageAs, op, nameof(AllReduceAsync));
        var buffer = new TensorBuffer(tensor, stageAs);
        IntPtr request;
        try
        {
            MpiLibrary.Check(MpiNative.Iallreduce((void*)MpiLibrary.InPlace, buffer.Pointer, buffer.Count, mpiType, mpiOp, MpiLibrary.CommWorld, &request),
                $"Distributed.AllReduceAsync({op}) of {buffer.Count} {tensor.DType} elements (MPI_Iallreduce)");
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        return new DistributedWork(request, () =>
        {
            using (buffer)
            {
                if (op == ReduceOp.Avg)
                {
                    DivideInPlace(buffer.Staged, env.WorldSize);
                }
                buffer.CopyBack();
            }
        });
    }

    /// <summary>
    /// Copies <paramref name="tensor"/> from rank <paramref name="root"/> into the same tensor on every other rank
    /// (PyTorch's <c>dist.broadcast(tensor, src)</c>). Every rank must pass a tensor of the same dtype and element count.
    /// Every dtype is supported: the elements are copied bit for bit.
    /// </summary>
    /// <exception cref="DistributedException"><paramref name="root"/> is not a rank.</exception>
    public static unsafe void Broadcast(Tensor tensor, int root = 0)
    {
        var env = Current(nameof(Broadcast));
        CheckWritable(nameof(Broadcast), tensor);
        if (root < 0 || root >= env.WorldSize)
        {
            throw new DistributedException($"Distributed.Broadcast: root rank {root} is not in the world of {env.WorldSize} ranks (0 to {env.WorldSize - 1}).");
        }
        if (env.WorldSize == 1 || tensor.Numel == 0)
        {
            return;
        }
        var mpiType = MpiDTypes.Transfer(tensor.DType, nameof(Broadcast));
        using var buffer = new TensorBuffer(tensor);
        MpiLibrary.Check(MpiNative.Bcast(buffer.Pointer, buffer.Count, mpiType, root, MpiLibrary.CommWorld),
            $"Distributed.Broadcast of {buffer.Count} {tensor.DType} elements from rank {root} (MPI_Bcast)");
        if (env.Rank != root)
        {
            buffer.CopyBack();
        }
    }

    /// <summary>
    /// Gathers every rank's <paramref name="tensor"/> into one new tensor on every rank, stacked along a new first
    /// dimension in rank order: shape [WorldSize, ...tensor.Shape] (PyTorch's <c>dist.all_gather_into_tensor</c>,
    /// with the ranks' tensors as the first dimension, as <c>torch.stack(all_gather(...))</c> gives). Every dtype is
    /// supported: the elements are copied bit for bit.
    /// </summary>
    public static unsafe Tensor AllGather(Tensor tensor)
    {
        var env = Current(nameof(AllGather));
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = new int[tensor.Rank + 1];
        shape[0] = env.WorldSize;
        tensor.Shape.CopyTo(shape, 1);
        var result = Tensor.Zeros(shape, tensor.DType);
        if (env.WorldSize == 1 || tensor.Numel == 0)
        {
            TensorValues.Copy(tensor, result.Reshape(tensor.Shape));
            return result;
        }
        var mpiType = MpiDTypes.Transfer(tensor.DType, nameof(AllGather));
        using var send = new TensorBuffer(tensor);
        using var receive = new TensorBuffer(result);
        MpiLibrary.Check(MpiNative.Allgather(send.Pointer, send.Count, mpiType, receive.Pointer, send.Count, mpiType, MpiLibrary.CommWorld),
            $"Distributed.AllGather of {send.Count} {tensor.DType} elements per rank (MPI_Allgather)");
        return result;
    }

    /// <summary>
    /// Reduces <paramref name="input"/> over all ranks and leaves rank r with the r-th of <see cref="WorldSize"/> equal
    /// chunks of the result along the first dimension (PyTorch's <c>dist.reduce_scatter_tensor(output, input, op)</c>).
    /// The first dimension of <paramref name="input"/> must be divisible by the world size; the result has shape
    /// [input.Shape[0] / WorldSize, ...]. Dtypes and ops as <see cref="AllReduce"/>.
    /// </summary>
    /// <exception cref="DistributedException">The input is a scalar, or its first dimension is not divisible by the world size.</exception>
    /// <exception cref="NotSupportedException">Avg of an integer or bool tensor, or any reduction of a Float16 or BFloat16 tensor.</exception>
    public static unsafe Tensor ReduceScatter(Tensor input, ReduceOp op = ReduceOp.Sum)
    {
        var env = Current(nameof(ReduceScatter));
        ArgumentNullException.ThrowIfNull(input);
        MpiDTypes.CheckReduction(input.DType, op, nameof(ReduceScatter));
        if (input.Rank == 0 || input.Shape[0] % env.WorldSize != 0)
        {
            throw new DistributedException(
                $"Distributed.ReduceScatter: the input of shape {TensorValues.Format(input.Shape)} must have a first dimension divisible by the world size {env.WorldSize}, " +
                "so that each rank receives an equal chunk (PyTorch: input tensor must be the same size as output size times world size).");
        }
        var shape = input.Shape;
        shape[0] /= env.WorldSize;
        var result = Tensor.Zeros(shape, input.DType);
        if (env.WorldSize == 1 || input.Numel == 0)
        {
            TensorValues.Copy(input, result);
            return result;
        }
        var stageAs = MpiDTypes.ReductionDType(input.DType, op);
        var (mpiType, mpiOp) = MpiDTypes.Reduction(stageAs, op, nameof(ReduceScatter));
        using var send = new TensorBuffer(input, stageAs);
        using var receive = new TensorBuffer(result, stageAs);
        MpiLibrary.Check(MpiNative.ReduceScatterBlock(send.Pointer, receive.Pointer, receive.Count, mpiType, mpiOp, MpiLibrary.CommWorld),
            $"Distributed.ReduceScatter({op}) of {send.Count} {input.DType} elements (MPI_Reduce_scatter_block)");
        receive.CopyBack();
        if (op == ReduceOp.Avg)
        {
            DivideInPlace(result, env.WorldSize);
        }
        return result;
    }

    /// <summary>
    /// Divides a contiguous tensor by the world size (ReduceOp.Avg is MPI's sum divided, as PyTorch's AVG is).
    /// <see cref="MpiDTypes.CheckReduction"/> has let only floating tensors through with Avg.
    /// </summary>
    internal static void DivideInPlace(Tensor contiguous, int divisor)
    {
        switch (contiguous.DType)
        {
            case DType.Float32:
                var floats = contiguous.AsSpan<float>();
                TensorPrimitives.Divide(floats, divisor, floats);
                break;
            case DType.Float64:
                var doubles = contiguous.AsSpan<double>();
                TensorPrimitives.Divide(doubles, divisor, doubles);
                break;
            default:
                throw new NotSupportedException($"Distributed: ReduceOp.Avg cannot divide a {contiguous.DType} tensor; only Float32 and Float64 tensors are averaged.");
        }
    }

    private static void CheckWritable(string operation, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.Shape;
        var strides = tensor.Strides;
        for (int d = 0; d < shape.Length; d++)
        {
            if (strides[d] == 0 && shape[d] > 1)
            {
                throw new DistributedException(
                    $"Distributed.{operation}: the tensor of shape {TensorValues.Format(shape)} with strides {TensorValues.Format(strides)} is an expanded view whose elements share memory; " +
                    "a collective cannot write each of them. Call Contiguous() (or Clone()) first.");
            }
        }
    }
}
