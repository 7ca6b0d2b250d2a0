namespace MiniTorch.Optim.Tests.Support;

/// <summary>Runs an optimizer on one float64 parameter with a given gradient at each step.</summary>
internal static class Trajectory
{
    public static readonly double[] Initial = [1.0, -2.0, 0.5, 0.0];

    public static readonly double[][] Grads =
    [
        [0.5, -1.0, 2.0, 0.0],
        [0.3, 0.4, -0.2, 1e-3],
        [-1.5, 0.0, 0.7, -2.5],
        [0.25, -0.6, 1.1, 0.8],
        [1.0, 0.9, -0.3, -0.1],
    ];

    /// <summary>The parameter's values after each step.</summary>
    public static double[][] Run(Func<Tensor, Optimizer> create)
    {
        var p = Tensor.FromArray(Initial, requiresGrad: true);
        var optimizer = create(p);
        var result = new double[Grads.Length][];
        for (int t = 0; t < Grads.Length; t++)
        {
            optimizer.ZeroGrad();
            p.Grad = Tensor.FromArray(Grads[t]);
            optimizer.Step();
            result[t] = p.ToDoubleArray();
        }
        return result;
    }

    /// <summary>Applies a scalar reference update to each element independently and returns the values after each step.</summary>
    /// <param name="createElementState">Makes the per-element state; called once per element.</param>
    /// <param name="step">Given the state, the 1-based step t, the value θ and the gradient g, returns the new θ.</param>
    public static double[][] Reference<TState>(Func<TState> createElementState, Func<TState, int, double, double, double> step)
    {
        var result = new double[Grads.Length][];
        var theta = (double[])Initial.Clone();
        var states = Initial.Select(_ => createElementState()).ToArray();
        for (int t = 0; t < Grads.Length; t++)
        {
            for (int i = 0; i < theta.Length; i++)
            {
                theta[i] = step(states[i], t + 1, theta[i], Grads[t][i]);
            }
            result[t] = (double[])theta.Clone();
        }
        return result;
    }

    public static void AssertClose(double[][] expected, double[][] actual, double rtol = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int t = 0; t < expected.Length; t++)
        {
            Assertions.Close(expected[t], actual[t], rtol, 1e-15, $"step {t + 1},");
        }
    }
}
