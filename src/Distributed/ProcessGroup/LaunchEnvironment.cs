using System.Globalization;

namespace MiniTorch.Distributed;

/// <summary>
/// What the launcher told this process about the job, read from the environment: Open MPI's <c>mpirun</c> sets
/// <c>OMPI_COMM_WORLD_SIZE</c>, <c>_RANK</c>, <c>_LOCAL_RANK</c> and <c>_LOCAL_SIZE</c>. PyTorch's launchers set
/// <c>WORLD_SIZE</c>; MiniTorch does not rendezvous itself, so a <c>WORLD_SIZE</c> above one without mpirun is an error.
/// </summary>
internal readonly record struct LaunchEnvironment(bool UnderMpirun, int WorldSize, int Rank, int LocalRank, int LocalSize)
{
    public static LaunchEnvironment Read()
    {
        int? size = Number("OMPI_COMM_WORLD_SIZE");
        if (size is null)
        {
            int? requested = Number("WORLD_SIZE");
            if (requested is > 1)
            {
                throw new DistributedException(
                    $"Distributed.Init: WORLD_SIZE={requested} asks for {requested} ranks, but this process was not started by Open MPI's mpirun. " +
                    "MiniTorch uses mpirun as its launcher: `mpirun -np N dotnet <app>.dll` (as root add --allow-run-as-root). " +
                    $"Install Open MPI with `{Native.MpiLibrary.InstallCommand}` if mpirun is missing.");
            }
            return new LaunchEnvironment(false, 1, 0, 0, 1);
        }
        int rank = Number("OMPI_COMM_WORLD_RANK") ?? 0;
        return new LaunchEnvironment(true, size.Value, rank, Number("OMPI_COMM_WORLD_LOCAL_RANK") ?? rank, Number("OMPI_COMM_WORLD_LOCAL_SIZE") ?? size.Value);
    }

    private static int? Number(string name)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 0)
        {
            throw new DistributedException($"Distributed.Init: the environment variable {name}='{text}' is not a non-negative integer.");
        }
        return value;
    }
}
