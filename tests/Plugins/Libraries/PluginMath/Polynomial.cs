namespace PluginMath;

/// <summary>A polynomial c0 + c1·x + c2·x² + … evaluated by Horner's rule.</summary>
public sealed class Polynomial(params double[] coefficients)
{
    public double Evaluate(double x)
    {
        double result = 0;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            result = result * x + coefficients[i];
        }
        return result;
    }
}
