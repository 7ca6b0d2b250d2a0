namespace MiniTorch.NN;

/// <summary>
/// A tensor that is a learnable parameter of a <see cref="Module"/> (PyTorch's <c>nn.Parameter</c>): a leaf that
/// requires grad by default and that <see cref="Module.Parameters"/> reports once registered with
/// <see cref="Module.RegisterParameter"/>. It shares the elements of the tensor it is made from, as PyTorch's does.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (sharing its storage) as a parameter; any history of <paramref name="data"/> is dropped.</summary>
    /// <param name="data">The initial value.</param>
    /// <param name="requiresGrad">Whether the parameter is trained (true, as in PyTorch).</param>
    public Parameter(Tensor data, bool requiresGrad = true) : base(data)
    {
        RequiresGrad = requiresGrad;
    }

    /// <summary>Prints as PyTorch does: <c>Parameter containing:</c> followed by the tensor.</summary>
    public override string ToString() => "Parameter containing:" + Environment.NewLine + base.ToString();
}
