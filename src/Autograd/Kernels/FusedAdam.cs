using System.Numerics;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// One pass of Adam over contiguous arrays (PyTorch's fused/foreach Adam), doing per element exactly the IEEE operations
/// of the unfused sequence, in its order, so results are bit-identical to it (and to PyTorch's single-tensor Adam):
/// m·β₁ then FMA(g, 1−β₁, m) (AddInPlace with alpha); v·β₂, t = g·(1−β₂), FMA(t, g, v) (AddcmulInPlace);
/// d = √v / √(1−β₂ᵗ) + ε; t = m·(−step) / d, p + t (AddcdivInPlace). The unfused sequence reads and writes the four
/// arrays about fifteen times and allocates the denominator; this reads each once.
/// </summary>
internal readonly struct FusedAdamChunk<T> : IChunkBody
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _p, _g, _m, _v;
    private readonly int _pOffset, _gOffset, _mOffset, _vOffset;
    private readonly T _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _sqrtBiasCorrection2, _eps, _negativeStepSize;

    public FusedAdamChunk(Tensor p, Tensor g, Tensor m, Tensor v, double beta1, double beta2, double biasCorrection2, double eps, double stepSize)
    {
        (_p, _pOffset) = (p.Data<T>(), p.Offset);
        (_g, _gOffset) = (g.Data<T>(), g.Offset);
        (_m, _mOffset) = (m.Data<T>(), m.Offset);
        (_v, _vOffset) = (v.Data<T>(), v.Offset);
        // The same scalar conversions as the unfused ops: each double scalar is rounded to T once.
        _beta1 = T.CreateTruncating(beta1);
        _oneMinusBeta1 = T.CreateTruncating(1 - beta1);
        _beta2 = T.CreateTruncating(beta2);
        _oneMinusBeta2 = T.CreateTruncating(1 - beta2);
        _sqrtBiasCorrection2 = T.CreateTruncating(Math.Sqrt(biasCorrection2));
        _eps = T.CreateTruncating(eps);
        _negativeStepSize = T.CreateTruncating(-stepSize);
    }

    public void Run(int start, int length)
    {
        var p = _p.AsSpan(_pOffset + start, length);
        var g = _g.AsSpan(_gOffset + start, length);
        var m = _m.AsSpan(_mOffset + start, length);
        var v = _v.AsSpan(_vOffset + start, length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var beta1 = Vector256.Create(_beta1);
            var oneMinusBeta1 = Vector256.Create(_oneMinusBeta1);
            var beta2 = Vector256.Create(_beta2);
            var oneMinusBeta2 = Vector256.Create(_oneMinusBeta2);
            var sqrtBc2 = Vector256.Create(_sqrtBiasCorrection2);
            var eps = Vector256.Create(_eps);
            var negativeStep = Vector256.Create(_negativeStepSize);
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var gi = Vector256.Create<T>(g[i..]);
                var mi = GemmSimd256<T>.MultiplyAdd(gi, oneMinusBeta1, Vector256.Create<T>(m[i..]) * beta1);
                var vi = GemmSimd256<T>.MultiplyAdd(gi * oneMinusBeta2, gi, Vector256.Create<T>(v[i..]) * beta2);
                var denominator = Vector256.Sqrt(vi) / sqrtBc2 + eps;
                var pi = Vector256.Create<T>(p[i..]) + mi * negativeStep / denominator;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                pi.CopyTo(p[i..]);
            }
        }
        for (; i < length; i++)
        {
            T gi = g[i];
            T mi = T.FusedMultiplyAdd(gi, _oneMinusBeta1, m[i] * _beta1);
            T vi = T.FusedMultiplyAdd(gi * _oneMinusBeta2, gi, v[i] * _beta2);
            T denominator = T.Sqrt(vi) / _sqrtBiasCorrection2 + _eps;
            m[i] = mi;
            v[i] = vi;
            p[i] += mi * _negativeStepSize / denominator;
        }
    }
}
