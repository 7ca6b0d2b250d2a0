using System.Runtime.CompilerServices;

namespace MiniTorch;

/// <summary>
/// The one hook through which ops report themselves to a tracer (for ONNX export and other graph capture).
/// A trace is per thread: <see cref="Start"/> opens one, every op run on this thread until it is disposed calls
/// <see cref="Record(string, Tensor, Tensor)"/> with its inputs, output and attributes, and the trace keeps them
/// in order. When no trace is open, reporting costs one thread-static read and nothing else.
/// </summary>
/// <remarks>
/// Ops built from other ops report too, after their parts: the trace keeps, for every tensor, the last op that
/// reported producing it, so a composite (Softmax, Conv2d, a custom <see cref="Function"/>) replaces the parts it
/// was computed with, and an op made only of reporting ops needs no report of its own. Libraries above the core
/// (layers, plugins) report their composite ops through the same public <see cref="Record(string, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}, OpAttributes?)"/>.
/// </remarks>
public static class Tracing
{
    [ThreadStatic]
    private static OpTrace? t_trace;

    /// <summary>Whether a trace is recording on this thread; check it before building attributes, so untraced runs allocate nothing.</summary>
    public static bool IsActive
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_trace is not null;
    }

    /// <summary>
    /// Starts recording the ops run on this thread, with <paramref name="inputs"/> as the traced function's inputs.
    /// Dispose the returned trace to stop. Traces do not nest.
    /// </summary>
    public static OpTrace Start(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (t_trace is not null)
        {
            throw new TracingException("Tracing.Start: a trace is already recording on this thread; traces do not nest. Dispose the open trace first.");
        }
        var trace = new OpTrace(inputs);
        t_trace = trace;
        return trace;
    }

    internal static void Stop(OpTrace trace)
    {
        if (ReferenceEquals(t_trace, trace))
        {
            t_trace = null;
        }
    }

    /// <summary>Reports a one-input op without attributes; does nothing unless a trace is recording.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Record(string op, Tensor output, Tensor input)
    {
        if (t_trace is { } trace)
        {
            trace.Add(op, [output], [input], OpAttributes.None);
        }
    }

    /// <summary>Reports a two-input op without attributes; does nothing unless a trace is recording.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Record(string op, Tensor output, Tensor a, Tensor b)
    {
        if (t_trace is { } trace)
        {
            trace.Add(op, [output], [a, b], OpAttributes.None);
        }
    }

    /// <summary>
    /// Reports an op with any number of inputs (null for an absent optional input, such as a missing bias) and
    /// outputs. Does nothing unless a trace is recording; callers build the arguments under <see cref="IsActive"/>.
    /// </summary>
    /// <param name="op">The op's name, e.g. <c>Conv2d</c>; an exporter looks its lowering up by this name.</param>
    /// <param name="outputs">The tensors the op returned.</param>
    /// <param name="inputs">The tensors the op read, in the op's order.</param>
    /// <param name="attributes">Non-tensor arguments (dims, strides, flags); null for none.</param>
    public static void Record(string op, IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor?> inputs, OpAttributes? attributes = null)
    {
        if (t_trace is { } trace)
        {
            ArgumentNullException.ThrowIfNull(op);
            ArgumentNullException.ThrowIfNull(outputs);
            ArgumentNullException.ThrowIfNull(inputs);
            trace.Add(op, [.. outputs], [.. inputs], attributes ?? OpAttributes.None);
        }
    }

    /// <summary>Reports a built-in op; called only by the op recording path (<see cref="OpRecorder"/>) while a trace records.</summary>
    internal static void Report(string op, Tensor[] outputs, Tensor?[] inputs, OpAttributes attributes) =>
        t_trace?.Add(op, outputs, inputs, attributes);

    /// <summary>
    /// Names the ops reported until the returned scope is disposed with a full name (a module's path, such as <c>features.0</c>), so
    /// exported nodes and error messages can say where an op came from. Does nothing unless a trace is recording.
    /// </summary>
    public static TracingScope EnterScope(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (t_trace is not { } trace)
        {
            return default;
        }
        trace.PushScope(name);
        return new TracingScope(trace);
    }

    /// <summary>
    /// Stops reporting on this thread until the returned scope is disposed: a custom <see cref="Function"/>'s forward is
    /// opaque, it reports itself as one op, and the ops it is computed with (in-place writes to its own fresh tensors
    /// included) are not part of the traced graph.
    /// </summary>
    internal static SuspendedTrace Suspend()
    {
        var trace = t_trace;
        t_trace = null;
        return new SuspendedTrace(trace);
    }

    internal readonly struct SuspendedTrace(OpTrace? trace) : IDisposable
    {
        public void Dispose()
        {
            if (trace is not null)
            {
                t_trace = trace;
            }
        }
    }

    /// <summary>Called by every in-place op before it writes: writing into a tensor the trace has seen would change a recorded value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CheckInPlace(string op, Tensor target)
    {
        if (t_trace is { } trace)
        {
            trace.CheckInPlace(op, target);
        }
    }
}

/// <summary>A naming scope of a trace (see <see cref="Tracing.EnterScope"/>); disposing it ends the scope.</summary>
public readonly struct TracingScope : IDisposable
{
    private readonly OpTrace? _trace;

    internal TracingScope(OpTrace trace) => _trace = trace;

    /// <summary>Ends the scope.</summary>
    public void Dispose() => _trace?.PopScope();
}
