using System.Buffers.Binary;
using System.Numerics;

namespace MiniTorch.TensorBoard;

/// <summary>
/// CRC-32C (Castagnoli, the iSCSI polynomial of RFC 3720) and the masked form TFRecord files store, computed with the
/// CPU's CRC32 instruction where there is one (<see cref="BitOperations.Crc32C(uint, ulong)"/> falls back to software).
/// </summary>
internal static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i, 8)));
        }
        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }
        return ~crc;
    }

    /// <summary>
    /// TFRecord's masked CRC: rotate right by 15 and add a constant, so a CRC computed over data that itself holds CRCs
    /// stays well distributed (tensorflow/core/lib/hash/crc32c.h, <c>Mask</c>).
    /// </summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;

    /// <summary>The masked CRC-32C of <paramref name="data"/>.</summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));
}
