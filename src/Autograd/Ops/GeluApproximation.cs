namespace MiniTorch;

/// <summary>Which form of GELU to compute.</summary>
public enum GeluApproximation
{
    /// <summary>The exact x·Φ(x) = x/2·(1 + erf(x/√2)), PyTorch's default.</summary>
    None,

    /// <summary>The tanh approximation x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (PyTorch's <c>approximate='tanh'</c>).</summary>
    Tanh,
}
