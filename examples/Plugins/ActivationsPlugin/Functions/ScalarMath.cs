namespace MiniTorch.Examples.Activations;

/// <summary>Accurate scalar functions for the forward kernels, and a map over a tensor's elements.</summary>
internal static class ScalarMath
{
    /// <summary>
    /// log(1 + u), accurate for tiny u where 1 + u rounds (Goldberg's trick: the rounding error of w = 1 + u cancels
    /// in u / (w − 1)). Softplus needs it: log(1 + e^z) for z = −40 is 4.2e−18, which log(1 + e^z) rounds to 0.
    /// </summary>
    public static double Log1p(double u)
    {
        double w = 1 + u;
        return w == 1 ? u : Math.Log(w) * u / (w - 1);
    }

    /// <summary>log(1 + e^z) without overflow: for z &gt; 0 it is z + log(1 + e^−z).</summary>
    public static double Softplus(double z) => z > 0 ? z + Log1p(Math.Exp(-z)) : Log1p(Math.Exp(z));

    /// <summary>1 / (1 + e^−z).</summary>
    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>
    /// Applies <paramref name="f"/> to every element, in double precision whatever the dtype, and returns a new
    /// contiguous tensor of <paramref name="x"/>'s shape and dtype. Forward kernels run without grad, so this is free
    /// to work on plain arrays.
    /// </summary>
    public static Tensor Map(Tensor x, Func<double, double> f)
    {
        var values = x.ToDoubleArray();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = f(values[i]);
        }
        return Tensor.FromArray(values, x.Shape).To(x.DType);
    }
}
