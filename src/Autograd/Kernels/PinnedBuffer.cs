using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MiniTorch.Kernels;

/// <summary>
/// Reused scratch arrays on the pinned object heap: a kernel keeps one per thread (or per instance) and grows it when
/// a call needs more, so steady-state calls allocate nothing, and its address may be taken without <c>fixed</c>.
/// </summary>
internal static unsafe class PinnedBuffer
{
    private const int Alignment = 64;

    /// <summary><paramref name="buffer"/>, replaced by a new pinned array first if it holds fewer than <paramref name="length"/> elements; contents arbitrary.</summary>
    public static T[] AtLeast<T>(ref T[]? buffer, int length)
        where T : unmanaged
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<T>(length, pinned: true);
        }
        return buffer;
    }

    /// <summary>
    /// The first 64-byte boundary of <paramref name="buffer"/>, grown as <see cref="AtLeast{T}"/> does so that
    /// <paramref name="length"/> elements follow it: packed strips and tiles that do not straddle cache lines.
    /// </summary>
    public static T* Aligned<T>(ref T[]? buffer, int length)
        where T : unmanaged
    {
        T[] array = AtLeast(ref buffer, length + Alignment / sizeof(T));
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (T*)((address + Alignment - 1) & ~(nuint)(Alignment - 1));
    }
}
