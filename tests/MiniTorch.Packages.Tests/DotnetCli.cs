using System.Diagnostics;
using System.Text;

namespace MiniTorch.Packages.Tests;

/// <summary>What one command printed and how it ended.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Output, TimeSpan Duration);

/// <summary>
/// Runs the dotnet CLI the way a user outside this repository would: in a given folder, with an environment cleared of
/// the variables the test host's own MSBuild and test platform set, and with the variables the test chooses (the
/// isolated NuGet package folder).
/// </summary>
public sealed class DotnetCli(IReadOnlyDictionary<string, string> environment, string logFolder)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private int _commands;

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/> and throws, with its output, unless it exits with 0.</summary>
    public CommandResult Run(string workingDirectory, params string[] arguments)
    {
        var result = RunAllowingFailure(workingDirectory, arguments);
        if (result.ExitCode != 0)
        {
            throw new CommandFailedException(result);
        }
        return result;
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> and returns how it ended, whatever the exit code.</summary>
    public CommandResult RunAllowingFailure(string workingDirectory, params string[] arguments)
    {
        // The output goes to a file, not a pipe: build servers that outlive the command inherit it and would keep a pipe
        // open, so reading a pipe to its end could wait for them.
        string log = Path.Combine(logFolder, $"{Interlocked.Increment(ref _commands):D2}-{Path.GetFileName(arguments[0])}.log");
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" > \"$MINITORCH_COMMAND_LOG\" 2>&1");
        // The dotnet the tests run under (the SDK sets DOTNET_HOST_PATH for its children), else the one on PATH.
        start.ArgumentList.Add(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (string name in start.Environment.Keys.ToArray())
        {
            // MSBuild and the test platform pass their own settings to child processes through these; a user's shell has none.
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name is "DOTNET_HOST_PATH" or "RUNTIME_ID")
            {
                start.Environment.Remove(name);
            }
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        start.Environment["MINITORCH_COMMAND_LOG"] = log;
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["TERM"] = "dumb";

        string commandLine = $"(in {workingDirectory}) dotnet {string.Join(' ', arguments)}";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {commandLine}");
        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CommandResult(commandLine, -1, ReadLog(log) + $"\n(killed after {Timeout.TotalMinutes} minutes)", clock.Elapsed);
        }
        return new CommandResult(commandLine, process.ExitCode, ReadLog(log), clock.Elapsed);
    }

    /// <summary>
    /// A child's output made safe to print inside this test's output: a nested <c>dotnet test</c> summary line
    /// ("Passed!  - Failed: 0, Passed: 4, …") is reworded, so that .ci/run, which adds up those lines, counts only this
    /// test project's own.
    /// </summary>
    public static string Quote(string output) =>
        output.Replace("Passed!", "(nested run) passed:", StringComparison.Ordinal).Replace("Failed!", "(nested run) failed:", StringComparison.Ordinal);

    private static string ReadLog(string path) => File.Exists(path) ? File.ReadAllText(path, Encoding.UTF8) : "(no output)";
}

/// <summary>A command that exited with an error; the message holds the command, its exit code and the end of its output.</summary>
public sealed class CommandFailedException(CommandResult result)
    : Exception($"{result.CommandLine} exited with {result.ExitCode} after {result.Duration.TotalSeconds:F1} s; last lines of its output:\n{DotnetCli.Quote(Tail(result.Output, 60))}")
{
    /// <summary>The failed command.</summary>
    public CommandResult Result { get; } = result;

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
