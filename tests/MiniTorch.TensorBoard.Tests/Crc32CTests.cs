using System.Text;

namespace MiniTorch.TensorBoard.Tests;

public sealed class Crc32CTests
{
    /// <summary>RFC 3720 (iSCSI), appendix B.4, "CRC Examples".</summary>
    [Fact]
    public void MatchesTheRfc3720Vectors()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
        byte[] readCommand =
        [
            0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        Assert.Equal(0xD9963A56u, Crc32C.Compute(readCommand));
    }

    [Fact]
    public void MatchesTheCheckValueAndOddLengths()
    {
        // The catalogue's check value of CRC-32C ("123456789"), and lengths that are not a multiple of 8.
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0x00000000u, Crc32C.Compute([]));
    }

    [Fact]
    public void MaskIsTensorFlowsRotateAndAdd()
    {
        // crc32c::Mask: ((crc >> 15) | (crc << 17)) + 0xa282ead8, worked out by hand for two values.
        Assert.Equal(0xA282EAD8u, Crc32C.Mask(0));
        Assert.Equal(0xA282EAD8u + (1u << 17), Crc32C.Mask(1));
        Assert.Equal(unchecked(0xA282EAD8u + 0x00010000u), Crc32C.Mask(0x80000000u));
    }
}
