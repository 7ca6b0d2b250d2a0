using MiniTorch.Distributed.Native;

namespace MiniTorch.Distributed;

public static partial class Distributed
{
    /// <summary>
    /// Gathers a byte string of any length from every rank, in rank order, on every rank (the core of PyTorch's
    /// <c>all_gather_object</c>): the lengths first, then the bytes with MPI_Allgatherv. Used to compare the ranks'
    /// models before any rank starts a collective the others might not match.
    /// </summary>
    internal static unsafe byte[][] AllGatherBytes(byte[] mine, string operation)
    {
        var env = Current(operation);
        if (env.WorldSize == 1)
        {
            return [mine];
        }
        var lengths = new int[env.WorldSize];
        int myLength = mine.Length;
        fixed (int* lengthsPtr = lengths)
        {
            MpiLibrary.Check(MpiNative.Allgather(&myLength, 1, MpiLibrary.Int, lengthsPtr, 1, MpiLibrary.Int, MpiLibrary.CommWorld), $"{operation} (MPI_Allgather of lengths)");
        }
        var displacements = new int[env.WorldSize];
        long total = 0;
        for (int r = 0; r < env.WorldSize; r++)
        {
            displacements[r] = (int)total;
            total += lengths[r];
        }
        if (total > int.MaxValue)
        {
            throw new DistributedException($"{operation}: the ranks' descriptions add up to {total} bytes, more than one MPI call can gather.");
        }
        var all = new byte[Math.Max(1, total)];
        fixed (byte* send = mine)
        fixed (byte* receive = all)
        fixed (int* counts = lengths)
        fixed (int* displs = displacements)
        {
            MpiLibrary.Check(MpiNative.Allgatherv(send, myLength, MpiLibrary.Byte, receive, counts, displs, MpiLibrary.Byte, MpiLibrary.CommWorld), $"{operation} (MPI_Allgatherv)");
        }
        var result = new byte[env.WorldSize][];
        for (int r = 0; r < env.WorldSize; r++)
        {
            result[r] = all.AsSpan(displacements[r], lengths[r]).ToArray();
        }
        return result;
    }

    /// <summary>
    /// Broadcasts many tensors from <paramref name="root"/> with one call per dtype: packed into a flat buffer, sent,
    /// unpacked (PyTorch's <c>_broadcast_coalesced</c>, which DDP uses for parameters and buffers). Every dtype the
    /// list holds is sent, in the order the dtypes first appear in it, so BatchNorm's Int64 <c>num_batches_tracked</c>
    /// comes from rank 0 like its float statistics. Every rank must pass tensors of the same dtypes and sizes in the
    /// same order (DistributedDataParallel checks that first).
    /// </summary>
    internal static void BroadcastCoalesced(IReadOnlyList<Tensor> tensors, int root, string operation)
    {
        var env = Current(operation);
        if (env.WorldSize == 1 || tensors.Count == 0)
        {
            return;
        }
        foreach (var dtype in DTypesInOrder(tensors))
        {
            int total = 0;
            foreach (var t in tensors)
            {
                if (t.DType == dtype)
                {
                    total += t.Numel;
                }
            }
            if (total == 0)
            {
                continue;
            }
            using var flat = Tensor.Zeros([total], dtype);
            if (env.Rank == root)
            {
                Pack(tensors, dtype, flat, unpack: false);
            }
            Broadcast(flat, root);
            if (env.Rank != root)
            {
                Pack(tensors, dtype, flat, unpack: true);
            }
        }
    }

    /// <summary>The distinct dtypes of <paramref name="tensors"/>, in the order they first appear (the same on every rank whose list matches).</summary>
    internal static List<DType> DTypesInOrder(IReadOnlyList<Tensor> tensors)
    {
        var dtypes = new List<DType>(2);
        foreach (var t in tensors)
        {
            if (!dtypes.Contains(t.DType))
            {
                dtypes.Add(t.DType);
            }
        }
        return dtypes;
    }

    private static void Pack(IReadOnlyList<Tensor> tensors, DType dtype, Tensor flat, bool unpack)
    {
        int offset = 0;
        foreach (var t in tensors)
        {
            if (t.DType != dtype)
            {
                continue;
            }
            using (var slice = flat.Narrow(0, offset, t.Numel))
            using (var shaped = slice.Reshape(t.Shape))
            {
                if (unpack)
                {
                    TensorValues.Copy(shaped, t);
                    Autograd.IncrementVersion(t);
                }
                else
                {
                    TensorValues.Copy(t, shaped);
                }
            }
            offset += t.Numel;
        }
    }
}
