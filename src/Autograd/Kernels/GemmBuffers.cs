namespace MiniTorch.Kernels;

/// <summary>
/// Per-thread packing buffers for the GEMM, kept for the thread's lifetime so that steady-state calls allocate
/// nothing. They live on the pinned object heap (no <c>fixed</c> needed, and the GC never moves them) and are
/// used from a 64-byte boundary so that packed strips do not straddle cache lines.
/// </summary>
internal static unsafe class GemmBuffers<T>
    where T : unmanaged
{
    private const int Alignment = 64;

    [ThreadStatic]
    private static T[]? t_packA;

    [ThreadStatic]
    private static long t_packAPanel;

    [ThreadStatic]
    private static T[]? t_packB;

    [ThreadStatic]
    private static long t_packBPanel;

    [ThreadStatic]
    private static T[]? t_vector;

    [ThreadStatic]
    private static T[]? t_edge;

    /// <summary>A buffer of at least <paramref name="length"/> elements for packed A; what it held before is gone.</summary>
    public static T* PackA(int length)
    {
        t_packAPanel = 0;
        return Aligned(ref t_packA, length);
    }

    /// <summary>
    /// The packed-A buffer for the panel that <paramref name="panel"/> names (a number no other panel of the process
    /// has): true when this thread's buffer already holds it, else false, and the caller packs it. Panel 0 names none:
    /// the buffer is then <see cref="PackA"/>'s.
    /// </summary>
    public static bool PackedA(long panel, int length, out T* buffer) => Held(ref t_packA, ref t_packAPanel, panel, length, out buffer);

    /// <summary>A buffer of at least <paramref name="length"/> elements for packed B; what it held before is gone.</summary>
    public static T* PackB(int length)
    {
        t_packBPanel = 0;
        return Aligned(ref t_packB, length);
    }

    /// <summary>
    /// The packed-B buffer for the panel that <paramref name="panel"/> names (a number no other panel of the process
    /// has): true when this thread's buffer already holds it, else false, and the caller packs it. Panel 0 names none:
    /// the buffer is then <see cref="PackB"/>'s.
    /// </summary>
    public static bool PackedB(long panel, int length, out T* buffer) => Held(ref t_packB, ref t_packBPanel, panel, length, out buffer);

    private static bool Held(ref T[]? array, ref long heldPanel, long panel, int length, out T* buffer)
    {
        bool held = panel != 0 && heldPanel == panel && array is not null && array.Length >= length + Alignment / sizeof(T);
        buffer = Aligned(ref array, length);
        heldPanel = panel;
        return held;
    }

    /// <summary>A buffer of at least <paramref name="length"/> elements for an edge strip padded with zero rows before packing.</summary>
    public static T* Edge(int length) => Aligned(ref t_edge, length);

    /// <summary>A buffer of at least <paramref name="length"/> elements for a gathered vector (GEMV).</summary>
    public static T* Vector(int length) => Aligned(ref t_vector, length);

    private static T* Aligned(ref T[]? buffer, int length) => PinnedBuffer.Aligned(ref buffer, length);
}
