namespace MiniTorch;

/// <summary>
/// Definitions of one-input elementwise ops, from one formula: the Jacobian is diagonal, hence its own transpose, so
/// the same <c>derivative(g, saved)</c> maps a gradient backward and a tangent forward. The formula is captured once per
/// definition (a static field), never per call.
/// </summary>
internal static class UnaryDefinitions
{
    /// <summary>An op whose derivative reads its input: <c>derivative(g, x)</c>.</summary>
    public static OpDefinition<NoArgs> SavingInput(string name, string backwardName, Func<Tensor, Tensor, Tensor> derivative) => new(name, backwardName)
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0)],
        Backward = c => [derivative(c.Grad, c.Input(0))],
        Jvp = c => derivative(c.Tangent(0)!, c.Input(0)),
    };

    /// <summary>An op whose derivative reads its output: <c>derivative(g, y)</c>.</summary>
    public static OpDefinition<NoArgs> SavingOutput(string name, string backwardName, Func<Tensor, Tensor, Tensor> derivative) => new(name, backwardName)
    {
        Differentiable = Operands.First,
        Saves = [Save.Output()],
        Backward = c => [derivative(c.Grad, c.Output())],
        Jvp = c => derivative(c.Tangent(0)!, c.Output()),
    };
}
