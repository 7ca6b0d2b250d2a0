namespace MiniTorch;

/// <summary>
/// A seedable pseudo-random generator (xoshiro256**, seeded through SplitMix64) for Rand/Randn and
/// initialisers. The same seed gives the same numbers on every platform and .NET version, which
/// <see cref="System.Random"/> does not promise. Instances lock, so one may be shared by threads.
/// </summary>
public sealed partial class Generator
{
    private readonly object _lock = new();
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    /// <summary>Creates a generator with the given seed.</summary>
    public Generator(long seed = 0) => ManualSeed(seed);

    /// <summary>The generator used when none is passed (PyTorch's default generator).</summary>
    public static Generator Default { get; } = new(0x5EED);

    /// <summary>The seed most recently set.</summary>
    public long InitialSeed { get; private set; }

    /// <summary>Resets the generator to the stream of <paramref name="seed"/> (PyTorch's <c>manual_seed</c>); returns this.</summary>
    public Generator ManualSeed(long seed)
    {
        lock (_lock)
        {
            InitialSeed = seed;
            ulong x = (ulong)seed;
            _s0 = SplitMix(ref x);
            _s1 = SplitMix(ref x);
            _s2 = SplitMix(ref x);
            _s3 = SplitMix(ref x);
            _spareNormal = null;
        }
        return this;
    }

    /// <summary>Fills <paramref name="data"/> with uniform samples from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public void FillUniform(Span<float> data, double low = 0, double high = 1)
    {
        lock (_lock)
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (float)(low + (high - low) * NextDouble());
            }
        }
    }

    /// <summary>Fills <paramref name="data"/> with uniform samples from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public void FillUniform(Span<double> data, double low = 0, double high = 1)
    {
        lock (_lock)
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = low + (high - low) * NextDouble();
            }
        }
    }

    /// <summary>Fills <paramref name="data"/> with normal samples of the given mean and standard deviation.</summary>
    public void FillNormal(Span<float> data, double mean = 0, double std = 1)
    {
        lock (_lock)
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (float)(mean + std * NextNormal());
            }
        }
    }

    /// <summary>Fills <paramref name="data"/> with normal samples of the given mean and standard deviation.</summary>
    public void FillNormal(Span<double> data, double mean = 0, double std = 1)
    {
        lock (_lock)
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = mean + std * NextNormal();
            }
        }
    }

    /// <summary>Fills <paramref name="data"/> with integers drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>) (Randint).</summary>
    internal void FillIntegers(Span<long> data, long low, long high)
    {
        ulong range = unchecked((ulong)(high - low));
        // Lemire's multiply-shift on 64 bits with rejection: unbiased for every range.
        ulong threshold = unchecked(0UL - range) % range;
        lock (_lock)
        {
            for (int i = 0; i < data.Length; i++)
            {
                while (true)
                {
                    ulong hi = Math.BigMul(Next(), range, out ulong lo);
                    if (lo >= threshold)
                    {
                        data[i] = unchecked(low + (long)hi);
                        break;
                    }
                }
            }
        }
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), e.g. for shuffling.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        lock (_lock)
        {
            // Lemire's multiply-shift with rejection: unbiased for every bound.
            ulong bound = (ulong)maxExclusive;
            while (true)
            {
                ulong r = Next() >> 32;
                ulong m = r * bound;
                if ((uint)m >= (uint)(((1UL << 32) - bound) % bound))
                {
                    return (int)(m >> 32);
                }
            }
        }
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextUniform()
    {
        lock (_lock)
        {
            return NextDouble();
        }
    }

    private double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    private double NextNormal()
    {
        if (_spareNormal is { } spare)
        {
            _spareNormal = null;
            return spare;
        }
        // Box-Muller; 1 - u keeps the log argument in (0, 1].
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    private ulong Next()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
