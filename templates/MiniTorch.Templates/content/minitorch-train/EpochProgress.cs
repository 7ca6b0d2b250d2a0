using Spectre.Console;

namespace MiniTorchTrain;

/// <summary>
/// Progress of the epochs, the way .NET console apps show it: a live Spectre.Console bar (epochs done, the last
/// epoch's figures, time left) in an interactive terminal; one plain line per epoch when the output is redirected
/// (CI logs, a file), with no escape codes.
/// </summary>
public sealed class EpochProgress(TextWriter output)
{
    private readonly bool _live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>
    /// Runs <paramref name="epoch"/> for epochs <paramref name="first"/> to <paramref name="last"/>; each returns its full
    /// summary line (printed when redirected) and a short status (shown beside the live bar, which must fit a terminal line).
    /// </summary>
    public void Run(int first, int last, Func<int, (string Line, string Status)> epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        if (!_live)
        {
            for (int e = first; e <= last; e++)
            {
                output.WriteLine($"epoch {e}/{last}: {epoch(e).Line}");
            }
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var bar = context.AddTask("epochs", maxValue: last);
                bar.Value = first - 1;
                for (int e = first; e <= last; e++)
                {
                    var (_, status) = epoch(e);
                    bar.Value = e;
                    bar.Description = Markup.Escape($"epoch {e}/{last}: {status}");
                }
            });
    }
}
