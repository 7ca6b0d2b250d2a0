namespace MiniTorch.NN;

/// <summary>
/// Thrown when a module is called with an input it cannot take (wrong rank, size or dtype). The message names
/// the module by its path in the model and its type, e.g. <c>backbone.0 (Linear)</c>, with the expected and the
/// actual shape, so the failing layer is found without a debugger.
/// </summary>
public class ModuleInputException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="module">The module description, <c>path (Type)</c>.</param>
    /// <param name="expected">What the module accepts, e.g. <c>[*, 784]</c>.</param>
    /// <param name="actual">The shape it was given.</param>
    /// <param name="message">The full message.</param>
    public ModuleInputException(string module, string expected, int[] actual, string message) : base(message)
    {
        Module = module;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The module's path and type, e.g. <c>backbone.0 (Linear)</c>.</summary>
    public string Module { get; }

    /// <summary>A description of the accepted input, e.g. <c>[*, 784]</c>.</summary>
    public string Expected { get; }

    /// <summary>The shape of the input that was passed.</summary>
    public int[] Actual { get; }
}

/// <summary>
/// Thrown by <see cref="Module.LoadStateDict"/> when the state dict does not fit the module: keys it lacks,
/// keys it does not know, or tensors of the wrong shape. Every problem is listed, not just the first.
/// </summary>
public class StateDictException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public StateDictException(string message, IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys, IReadOnlyList<string> shapeMismatches)
        : base(message)
    {
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
        ShapeMismatches = shapeMismatches;
    }

    /// <summary>Names the module expects but the state dict does not have.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Names in the state dict that the module does not have.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>One line per name whose tensor does not fit (a different shape, or null), naming both shapes.</summary>
    public IReadOnlyList<string> ShapeMismatches { get; }
}

/// <summary>Thrown when a safetensors file is truncated, corrupted or not in the format; the message names the file and the problem.</summary>
public class SafetensorsFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    public SafetensorsFormatException(string path, string problem)
        : base($"Safetensors file '{path}' is invalid: {problem}")
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file that failed to load.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
