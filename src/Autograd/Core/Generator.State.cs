using System.Buffers.Binary;

namespace MiniTorch;

public sealed partial class Generator
{
    private const byte StateFormat = 1;

    /// <summary>The size in bytes of <see cref="GetState"/>'s result.</summary>
    public const int StateLength = 1 + 8 + 4 * 8 + 1 + 8;

    /// <summary>
    /// The generator's whole state (PyTorch's <c>get_state()</c>): the seed, the xoshiro256** words and the spare normal
    /// sample of Box-Muller, so that <see cref="SetState"/> continues the exact same stream, e.g. after resuming a training
    /// run from a checkpoint.
    /// </summary>
    public byte[] GetState()
    {
        var state = new byte[StateLength];
        lock (_lock)
        {
            state[0] = StateFormat;
            BinaryPrimitives.WriteInt64LittleEndian(state.AsSpan(1), InitialSeed);
            BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(9), _s0);
            BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(17), _s1);
            BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(25), _s2);
            BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(33), _s3);
            state[41] = _spareNormal.HasValue ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteDoubleLittleEndian(state.AsSpan(42), _spareNormal ?? 0);
        }
        return state;
    }

    /// <summary>Restores a state returned by <see cref="GetState"/> (PyTorch's <c>set_state()</c>); returns this.</summary>
    /// <exception cref="ArgumentException">The bytes are not a generator state: wrong length, unknown format, an all-zero
    /// xoshiro state (which would only ever produce zeros), or a flag byte other than 0 or 1.</exception>
    public Generator SetState(ReadOnlySpan<byte> state)
    {
        if (state.Length != StateLength)
        {
            throw new ArgumentException($"Generator.SetState: a generator state is {StateLength} bytes, got {state.Length}.", nameof(state));
        }
        if (state[0] != StateFormat)
        {
            throw new ArgumentException($"Generator.SetState: unknown state format {state[0]} (this version writes {StateFormat}).", nameof(state));
        }
        ulong s0 = BinaryPrimitives.ReadUInt64LittleEndian(state[9..]);
        ulong s1 = BinaryPrimitives.ReadUInt64LittleEndian(state[17..]);
        ulong s2 = BinaryPrimitives.ReadUInt64LittleEndian(state[25..]);
        ulong s3 = BinaryPrimitives.ReadUInt64LittleEndian(state[33..]);
        if ((s0 | s1 | s2 | s3) == 0)
        {
            throw new ArgumentException("Generator.SetState: the xoshiro256** words are all zero, which is not a state a generator can be in.", nameof(state));
        }
        if (state[41] > 1)
        {
            throw new ArgumentException($"Generator.SetState: the spare-normal flag is {state[41]}; it must be 0 or 1.", nameof(state));
        }
        lock (_lock)
        {
            InitialSeed = BinaryPrimitives.ReadInt64LittleEndian(state[1..]);
            (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
            _spareNormal = state[41] == 1 ? BinaryPrimitives.ReadDoubleLittleEndian(state[42..]) : null;
        }
        return this;
    }
}
