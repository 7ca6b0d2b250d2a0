using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MiniTorch.Kernels;

namespace MiniTorch.ExptanhAb;

/// <summary>Experimental tanh formulations (harness only).</summary>
internal static class Variants
{
    /// <summary>
    /// main's tanh structure (Cephes' odd polynomial below 0.625, 1 − 2/(eˣ+1) above, both on every lane) with the
    /// new exp reduction: worst 1 ulp where the single formula of Float32Math has 2, at about 1.4× its arithmetic.
    /// </summary>
    public static void TanhTwoPath(ReadOnlySpan<float> x, Span<float> y) => Map<V0>(x, y);

    private interface IVariant
    {
        static abstract TV Apply<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct;
    }

    private struct V0 : IVariant
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct => TwoPath<TS, TV>(x);
    }

    private static void Map<TV0>(ReadOnlySpan<float> x, Span<float> y) where TV0 : struct, IVariant
    {
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 16; i += 16)
            {
                TV0.Apply<Float32Simd512, Vector512<float>>(Vector512.LoadUnsafe(ref xRef, (nuint)i)).StoreUnsafe(ref yRef, (nuint)i);
            }
        }
        else
        {
            for (; i <= x.Length - 8; i += 8)
            {
                TV0.Apply<Float32Simd256, Vector256<float>>(Vector256.LoadUnsafe(ref xRef, (nuint)i)).StoreUnsafe(ref yRef, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            y[i] = MathF.Tanh(x[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TV Shifted, TV Q, TV ExpM1) ExpReduced<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct
    {
        var shifter = TS.Create(12582912f);
        var shifted = TS.MultiplyAdd(x, TS.Create(1.442695040888963407f), shifter);
        var q = TS.Subtract(shifted, shifter);
        var s = TS.MultiplyAdd(q, TS.Create(-0.693145751953125f), x);
        s = TS.MultiplyAdd(q, TS.Create(-1.428606765330187045e-06f), s);
        var u = TS.Create(0.000198527617612853646278381f);
        u = TS.MultiplyAdd(u, s, TS.Create(0.00139304355252534151077271f));
        u = TS.MultiplyAdd(u, s, TS.Create(0.00833336077630519866943359f));
        u = TS.MultiplyAdd(u, s, TS.Create(0.0416664853692054748535156f));
        u = TS.MultiplyAdd(u, s, TS.Create(0.166666671633720397949219f));
        u = TS.MultiplyAdd(u, s, TS.Create(0.5f));
        return (shifted, q, TS.MultiplyAdd(TS.Multiply(s, s), u, s));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TwoPath<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct
    {
        var a = TS.Abs(x);
        var z = TS.Multiply(a, a);
        var p = TS.Create(-5.70498872745e-3f);
        p = TS.MultiplyAdd(p, z, TS.Create(2.06390887954e-2f));
        p = TS.MultiplyAdd(p, z, TS.Create(-5.37397155531e-2f));
        p = TS.MultiplyAdd(p, z, TS.Create(1.33314422036e-1f));
        p = TS.MultiplyAdd(p, z, TS.Create(-3.33332819422e-1f));
        var small = TS.MultiplyAdd(TS.Multiply(p, z), a, a);
        var (shifted, _, em1) = ExpReduced<TS, TV>(TS.Min(TS.Add(a, a), TS.Create(40f)));
        var e = TS.ScaleByShiftedExponent(TS.Add(em1, TS.Create(1f)), shifted);
        var large = TS.Subtract(TS.Create(1f), TS.Divide(TS.Create(2f), TS.Add(e, TS.Create(1f))));
        var t = TS.SelectLess(a, TS.Create(0.625f), small, large);
        return TS.KeepNaN(x, TS.CopySign(t, x));
    }
}
