using System.Diagnostics;
using System.Text;

namespace MiniTorch;

public static partial class Autograd
{
    private static int s_anomalyScopes;

    /// <summary>
    /// Whether anomaly detection is on (PyTorch's <c>torch.is_anomaly_enabled()</c>). Like PyTorch's, the mode is
    /// process-wide, not per thread: a backward on any thread checks while some scope is open.
    /// </summary>
    public static bool IsAnomalyEnabled => Volatile.Read(ref s_anomalyScopes) > 0;

    /// <summary>
    /// Turns anomaly detection on until the returned scope is disposed (PyTorch's <c>torch.autograd.detect_anomaly()</c>):
    /// <c>using (Autograd.DetectAnomaly()) { var loss = …; loss.Backward(); }</c>. Every op recorded inside the scope
    /// keeps the stack trace of its forward call, and backward checks each node's gradients: the first node that
    /// returns NaN or ±Inf raises an <see cref="AnomalyException"/> naming the node and where its forward op was called.
    /// Off (the default) it costs one static read per recorded op and per backward.
    /// </summary>
    public static AnomalyScope DetectAnomaly()
    {
        Interlocked.Increment(ref s_anomalyScopes);
        return new AnomalyScope(true);
    }

    internal static void ExitAnomalyScope() => Interlocked.Decrement(ref s_anomalyScopes);
}

/// <summary>An anomaly-detection scope; disposing it ends the detection it started.</summary>
public struct AnomalyScope : IDisposable
{
    private bool _active;

    internal AnomalyScope(bool active) => _active = active;

    /// <summary>Ends this scope's anomaly detection; disposing twice does nothing.</summary>
    public void Dispose()
    {
        if (_active)
        {
            _active = false;
            Autograd.ExitAnomalyScope();
        }
    }
}

/// <summary>
/// Thrown by backward under <see cref="Autograd.DetectAnomaly"/> when a node returns a NaN or infinite gradient.
/// The message follows PyTorch's ("Function 'LogBackward' returned nan values in its 0th output.") and adds where
/// the forward op was called.
/// </summary>
public sealed class AnomalyException : AutogradException
{
    internal AnomalyException(Node node, int outputIndex, string kind, string message) : base(message)
    {
        GradFn = node;
        OutputIndex = outputIndex;
        Kind = kind;
        ForwardStackTrace = node.ForwardTrace?.ToString();
    }

    /// <summary>The node whose backward produced the bad gradient.</summary>
    public Node GradFn { get; }

    /// <summary>Which of the node's outputs (one per input of the forward op) holds the bad values.</summary>
    public int OutputIndex { get; }

    /// <summary><c>nan</c> or <c>inf</c>.</summary>
    public string Kind { get; }

    /// <summary>The stack trace of the forward call that recorded the node, or null if it was recorded outside the mode.</summary>
    public string? ForwardStackTrace { get; }
}

/// <summary>The checks and the forward-trace capture behind <see cref="Autograd.DetectAnomaly"/>.</summary>
internal static class AnomalyDetection
{
    // Frames in these assemblies are MiniTorch's own, not the user's forward call.
    private static readonly HashSet<string> LibraryAssemblies =
        ["MiniTorch", "MiniTorch.NN", "MiniTorch.Optim", "MiniTorch.Data", "MiniTorch.Plugins", "MiniTorch.Onnx"];

    /// <summary>Captures the forward call's stack for a node being recorded (only called with the mode on).</summary>
    public static void CaptureForwardTrace(Node node) => node.ForwardTrace ??= new StackTrace(2, fNeedFileInfo: true);

    /// <summary>Throws if any gradient a node returned holds NaN or ±Inf.</summary>
    public static void CheckGradients(Node node, Tensor?[] grads)
    {
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not { } g)
            {
                continue;
            }
            string? kind = FirstNonFinite(g);
            if (kind is not null)
            {
                throw new AnomalyException(node, i, kind, Describe(node, i, kind));
            }
        }
    }

    private static string? FirstNonFinite(Tensor g)
    {
        var values = g.ToDoubleArray();
        bool sawInf = false;
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                return "nan";
            }
            sawInf |= double.IsInfinity(v);
        }
        return sawInf ? "inf" : null;
    }

    private static string Describe(Node node, int index, string kind)
    {
        var sb = new StringBuilder();
        sb.Append($"Function '{node.Name}' returned {kind} values in its {index}th output.");
        if (node.ForwardTrace is not { } trace)
        {
            sb.Append(" The forward op was recorded outside Autograd.DetectAnomaly(), so where it was called is unknown; run the forward pass inside the scope too.");
            return sb.ToString();
        }
        string op = node.Name.EndsWith("Backward", StringComparison.Ordinal) ? node.Name[..^"Backward".Length] : node.Name;
        var userFrame = FirstUserFrame(trace);
        sb.Append($" The forward op ({op}) was called ");
        sb.Append(userFrame is null ? "from MiniTorch code only" : $"at {FormatFrame(userFrame)}");
        sb.Append(".\nTraceback of the forward call that caused the error:\n");
        sb.Append(trace.ToString().TrimEnd());
        return sb.ToString();
    }

    private static StackFrame? FirstUserFrame(StackTrace trace)
    {
        foreach (var frame in trace.GetFrames())
        {
            var assembly = frame.GetMethod()?.DeclaringType?.Assembly.GetName().Name;
            if (assembly is null || LibraryAssemblies.Contains(assembly) || assembly.StartsWith("System.", StringComparison.Ordinal) || assembly == "System")
            {
                continue;
            }
            return frame;
        }
        return null;
    }

    private static string FormatFrame(StackFrame frame)
    {
        var method = frame.GetMethod();
        string name = method is null ? "?" : $"{method.DeclaringType?.FullName}.{method.Name}";
        string? file = frame.GetFileName();
        return file is null ? name : $"{name} in {file}:line {frame.GetFileLineNumber()}";
    }
}
