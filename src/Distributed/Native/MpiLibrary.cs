using System.Reflection;
using System.Runtime.InteropServices;

namespace MiniTorch.Distributed.Native;

/// <summary>
/// Loads Open MPI's library once, on first use only (a world of one never loads it), and resolves the predefined
/// handles, which in Open MPI's ABI are the addresses of exported objects (<c>MPI_COMM_WORLD</c> is
/// <c>&amp;ompi_mpi_comm_world</c>). <c>MINITORCH_MPI_LIBRARY</c> names another library file.
/// </summary>
internal static partial class MpiLibrary
{
    /// <summary>The command that installs Open MPI on Debian and Ubuntu, quoted in every "MPI missing" message.</summary>
    public const string InstallCommand = "apt-get install -y openmpi-bin libopenmpi-dev";

    /// <summary>MPI_IN_PLACE in Open MPI: the send buffer argument that means "the receive buffer is the input".</summary>
    public static readonly IntPtr InPlace = 1;

    private static readonly Lock s_lock = new();
    private static IntPtr s_handle;

    public static IntPtr CommWorld { get; private set; }

    public static IntPtr Float { get; private set; }

    public static IntPtr Double { get; private set; }

    public static IntPtr Int { get; private set; }

    public static IntPtr Byte { get; private set; }

    public static IntPtr Int64 { get; private set; }

    public static IntPtr Int32 { get; private set; }

    public static IntPtr UInt8 { get; private set; }

    /// <summary>MPI_UINT16_T: carries Float16 and BFloat16 bits unchanged (Open MPI 4 has no half-precision type to compute with).</summary>
    public static IntPtr UInt16 { get; private set; }

    /// <summary>MPI_C_BOOL: one byte, like .NET's bool; the MPI standard allows only the logical ops on it.</summary>
    public static IntPtr CBool { get; private set; }

    public static IntPtr OpSum { get; private set; }

    public static IntPtr OpMax { get; private set; }

    public static IntPtr OpMin { get; private set; }

    public static IntPtr OpLogicalAnd { get; private set; }

    public static IntPtr OpLogicalOr { get; private set; }

    /// <summary>The library file to load: <c>MINITORCH_MPI_LIBRARY</c> when set, else Open MPI's soname.</summary>
    public static string LibraryPath => Environment.GetEnvironmentVariable("MINITORCH_MPI_LIBRARY") is { Length: > 0 } path ? path : MpiNative.Library;

    /// <summary>Loads the library and resolves the handles; throws a <see cref="DistributedException"/> saying how to install it.</summary>
    public static void EnsureLoaded(int worldSize)
    {
        lock (s_lock)
        {
            if (s_handle != IntPtr.Zero)
            {
                return;
            }
            string path = LibraryPath;
            // RTLD_GLOBAL: Open MPI dlopens its components (shared memory, TCP...), which expect libmpi's symbols to be
            // globally visible; the default RTLD_LOCAL load makes them fail with "undefined symbol".
            IntPtr handle = DlOpen(path, RtldNow | RtldGlobal);
            if (handle == IntPtr.Zero)
            {
                string reason = Marshal.PtrToStringUTF8(DlError()) ?? "unknown error";
                throw new DistributedException(
                    $"Distributed.Init: the environment asks for {worldSize} ranks, but Open MPI's library '{path}' could not be loaded ({reason}). " +
                    $"Install Open MPI (Debian/Ubuntu: `{InstallCommand}`) and start the program with `mpirun -np N dotnet <app>.dll`, " +
                    "or set MINITORCH_MPI_LIBRARY to the path of libmpi.so.40.");
            }
            CommWorld = Export(handle, "ompi_mpi_comm_world");
            Float = Export(handle, "ompi_mpi_float");
            Double = Export(handle, "ompi_mpi_double");
            Int = Export(handle, "ompi_mpi_int");
            Byte = Export(handle, "ompi_mpi_byte");
            Int64 = Export(handle, "ompi_mpi_int64_t");
            Int32 = Export(handle, "ompi_mpi_int32_t");
            UInt8 = Export(handle, "ompi_mpi_uint8_t");
            UInt16 = Export(handle, "ompi_mpi_uint16_t");
            CBool = Export(handle, "ompi_mpi_c_bool");
            OpSum = Export(handle, "ompi_mpi_op_sum");
            OpMax = Export(handle, "ompi_mpi_op_max");
            OpMin = Export(handle, "ompi_mpi_op_min");
            OpLogicalAnd = Export(handle, "ompi_mpi_op_land");
            OpLogicalOr = Export(handle, "ompi_mpi_op_lor");
            NativeLibrary.SetDllImportResolver(typeof(MpiLibrary).Assembly, Resolve);
            s_handle = handle;
        }
    }

    private static IntPtr Export(IntPtr handle, string name)
    {
        if (!NativeLibrary.TryGetExport(handle, name, out var address))
        {
            throw new DistributedException(
                $"Distributed.Init: '{LibraryPath}' has no symbol '{name}'. MiniTorch speaks Open MPI's ABI (libmpi.so.40, Open MPI 4.x); " +
                $"other MPI implementations (MPICH, Intel MPI) are not supported. Install Open MPI: `{InstallCommand}`.");
        }
        return address;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        => libraryName == MpiNative.Library ? s_handle : IntPtr.Zero;

    private const int RtldNow = 0x002;
    private const int RtldGlobal = 0x100;

    [LibraryImport("libc.so.6", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr DlOpen(string fileName, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "dlerror")]
    private static partial IntPtr DlError();

    /// <summary>Throws a <see cref="DistributedException"/> for a non-zero MPI error code.</summary>
    public static void Check(int code, string operation)
    {
        if (code != 0)
        {
            throw new DistributedException($"{operation}: MPI returned error code {code}.");
        }
    }
}
