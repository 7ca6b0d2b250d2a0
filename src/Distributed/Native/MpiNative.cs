using System.Runtime.InteropServices;

namespace MiniTorch.Distributed.Native;

/// <summary>
/// The MPI functions MiniTorch calls, bound to Open MPI's <c>libmpi.so.40</c>. Handles (communicators, datatypes,
/// ops, requests) are pointers in Open MPI's ABI, so they are <see cref="IntPtr"/> here; the predefined ones are the
/// addresses of exported symbols, resolved by <see cref="MpiLibrary"/>. Every function returns an MPI error code
/// (0 is MPI_SUCCESS).
/// </summary>
internal static unsafe partial class MpiNative
{
    /// <summary>The library name the imports bind to; <see cref="MpiLibrary"/> resolves it to the loaded handle.</summary>
    public const string Library = "libmpi.so.40";

    /// <summary>MPI_THREAD_FUNNELED: only the thread that initialised MPI calls it (all our calls come from the training thread).</summary>
    public const int ThreadFunneled = 1;

    [LibraryImport(Library, EntryPoint = "MPI_Initialized")]
    public static partial int Initialized(int* flag);

    [LibraryImport(Library, EntryPoint = "MPI_Finalized")]
    public static partial int Finalized(int* flag);

    [LibraryImport(Library, EntryPoint = "MPI_Init_thread")]
    public static partial int InitThread(int* argc, IntPtr* argv, int required, int* provided);

    [LibraryImport(Library, EntryPoint = "MPI_Finalize")]
    public static partial int Finalize();

    [LibraryImport(Library, EntryPoint = "MPI_Abort")]
    public static partial int Abort(IntPtr comm, int errorCode);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_rank")]
    public static partial int CommRank(IntPtr comm, int* rank);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_size")]
    public static partial int CommSize(IntPtr comm, int* size);

    [LibraryImport(Library, EntryPoint = "MPI_Barrier")]
    public static partial int Barrier(IntPtr comm);

    [LibraryImport(Library, EntryPoint = "MPI_Allreduce")]
    public static partial int Allreduce(void* sendBuffer, void* receiveBuffer, int count, IntPtr datatype, IntPtr op, IntPtr comm);

    [LibraryImport(Library, EntryPoint = "MPI_Iallreduce")]
    public static partial int Iallreduce(void* sendBuffer, void* receiveBuffer, int count, IntPtr datatype, IntPtr op, IntPtr comm, IntPtr* request);

    [LibraryImport(Library, EntryPoint = "MPI_Bcast")]
    public static partial int Bcast(void* buffer, int count, IntPtr datatype, int root, IntPtr comm);

    [LibraryImport(Library, EntryPoint = "MPI_Allgather")]
    public static partial int Allgather(void* sendBuffer, int sendCount, IntPtr sendType, void* receiveBuffer, int receiveCount, IntPtr receiveType, IntPtr comm);

    [LibraryImport(Library, EntryPoint = "MPI_Allgatherv")]
    public static partial int Allgatherv(void* sendBuffer, int sendCount, IntPtr sendType, void* receiveBuffer, int* receiveCounts, int* displacements, IntPtr receiveType, IntPtr comm);

    [LibraryImport(Library, EntryPoint = "MPI_Reduce_scatter_block")]
    public static partial int ReduceScatterBlock(void* sendBuffer, void* receiveBuffer, int receiveCount, IntPtr datatype, IntPtr op, IntPtr comm);

    [LibraryImport(Library, EntryPoint = "MPI_Wait")]
    public static partial int Wait(IntPtr* request, void* status);

    [LibraryImport(Library, EntryPoint = "MPI_Test")]
    public static partial int Test(IntPtr* request, int* flag, void* status);

    [LibraryImport(Library, EntryPoint = "MPI_Wtime")]
    public static partial double Wtime();
}
