namespace MiniTorch.Training;

/// <summary>Thrown by <see cref="Checkpoint.Load"/> when a file is not a MiniTorch checkpoint or is inconsistent; the message names the file and the problem.</summary>
public class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>; <paramref name="problem"/> completes "Checkpoint.Load: '&lt;path&gt;' …".</summary>
    public CheckpointFormatException(string path, string problem, Exception? inner = null)
        : base($"Checkpoint.Load: '{path}' is not a usable checkpoint: {problem}", inner)
    {
        Path = path;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }
}
