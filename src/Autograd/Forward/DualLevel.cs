using System.Globalization;

namespace MiniTorch;

/// <summary>
/// A forward-mode AD level (PyTorch's <c>dual_level</c>), opened by <see cref="ForwardAD.Enter"/> and closed by
/// disposing it. Tangents attached with <see cref="ForwardAD.MakeDual"/> belong to the level that was current, and
/// only the current level's tangents flow through ops. Once exited, the level's tangents are dead: reading one is an error.
/// </summary>
public sealed class DualLevel : IDisposable
{
    private static int s_nextId;

    internal DualLevel(DualLevel? enclosing)
    {
        Enclosing = enclosing;
        Id = Interlocked.Increment(ref s_nextId);
    }

    /// <summary>A number unique to this level within the process (an inner level gets a new one).</summary>
    public int Id { get; }

    /// <summary>Whether the level has been exited (disposed); its tangents can then no longer be read.</summary>
    public bool IsExited { get; private set; }

    /// <summary>The level that was current when this one was entered, restored when this one exits.</summary>
    internal DualLevel? Enclosing { get; }

    /// <summary>Exits the level; calling it again does nothing. Levels must be exited innermost first, as <c>using</c> does.</summary>
    public void Dispose()
    {
        if (IsExited)
        {
            return;
        }
        ForwardAD.Exit(this);
        IsExited = true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"forward AD level {Id}{(IsExited ? " (exited)" : "")}");
}
