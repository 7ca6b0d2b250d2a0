using System.Numerics;

namespace MiniTorch.Tests.Kernels;

/// <summary>Seeded operands for the kernel tests: values uniform in [-1, 1), so products and sums stay well scaled.</summary>
internal static class KernelTestData
{
    /// <summary>A new array of <paramref name="length"/> values drawn from <paramref name="random"/>.</summary>
    public static T[] Uniform<T>(Random random, int length)
        where T : IFloatingPointIeee754<T>
    {
        var data = new T[length];
        Fill(random, data);
        return data;
    }

    /// <summary>Overwrites every element of <paramref name="data"/> with a value drawn from <paramref name="random"/>.</summary>
    public static void Fill<T>(Random random, T[] data)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
        }
    }
}
