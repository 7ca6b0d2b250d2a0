using Spectre.Console;

namespace MiniTorch.Examples;

/// <summary>
/// Progress of a long training run, the way .NET console apps show it: in a terminal, a live Spectre.Console bar per
/// task (epochs done, the last epoch's figures, time left); when the output is redirected (CI logs, a file, a test's
/// <see cref="StringWriter"/>), one plain line per epoch and no escape codes.
/// </summary>
public sealed class TrainingProgress
{
    private readonly TextWriter _plain;
    private readonly bool _live;

    /// <summary>Creates the reporter for <paramref name="output"/>: live bars only if it is the console and the console is an interactive terminal.</summary>
    public TrainingProgress(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _plain = output;
        _live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
    }

    /// <summary>Whether progress is drawn as live bars (false: plain lines).</summary>
    public bool IsLive => _live;

    /// <summary>
    /// Runs <paramref name="work"/>, which reports each finished step as (task name, steps done, the full line printed
    /// when redirected, a short status shown beside the live bar). <paramref name="tasks"/> names each task and its
    /// number of steps, in the order they run.
    /// </summary>
    public T Run<T>(IReadOnlyList<(string Name, int Steps)> tasks, Func<Action<string, int, string, string>, T> work)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(work);
        if (!_live)
        {
            return work((_, _, line, _) => _plain.WriteLine(line));
        }
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                foreach (var (name, steps) in tasks)
                {
                    bars[name] = context.AddTask(Markup.Escape(name), autoStart: false, maxValue: Math.Max(steps, 1));
                }
                return work((name, done, _, status) =>
                {
                    var bar = bars[name];
                    if (!bar.IsStarted)
                    {
                        bar.StartTask();
                    }
                    bar.Value = done;
                    bar.Description = Markup.Escape($"{name} {status}");
                });
            });
    }
}
