using System.Collections;
using System.Globalization;

namespace MiniTorch.NN;

/// <summary>
/// Runs its children one after the other, each on the previous one's output (PyTorch's <c>nn.Sequential</c>).
/// Children are named "0", "1", … in order (or given names), so parameters are named like <c>0.weight</c>; a module
/// added twice runs twice, as in PyTorch.
/// </summary>
/// <remarks>
/// When nothing records (no gradient wanted, no forward-mode tangent, no trace), a Conv2d followed by a BatchNorm2d
/// that normalises with its running statistics (evaluation mode, or frozen), by a ReLU, or by both, runs as one
/// <see cref="Tensor.Conv2dInference"/>: the same values bit for bit, with the batch norm and the ReLU applied to the
/// convolution's output while it is in cache. And under <see cref="Autograd.NoGrad"/>, an activation passed from one
/// built-in layer to another is given back to the buffer pool as soon as the second has run, as PyTorch's reference
/// counting frees it, so an inference loop reuses warm memory without a <see cref="TensorScope"/>.
/// </remarks>
public sealed class Sequential : Module, IEnumerable<Module>
{
    /// <summary>Creates a sequence of the given modules, named by position.</summary>
    public Sequential(params Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
        {
            Add(m);
        }
    }

    /// <summary>The number of modules.</summary>
    public int Count => RegisteredChildren().Count;

    /// <summary>The module at <paramref name="index"/> (<c>^1</c> is the last).</summary>
    public Module this[Index index]
    {
        get
        {
            var children = RegisteredChildren();
            int i = index.GetOffset(children.Count);
            if ((uint)i >= (uint)children.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"Sequential: index {index} is out of range for {children.Count} modules.");
            }
            return children[i];
        }
    }

    /// <summary>Appends a module named by its position; returns this, for chaining.</summary>
    public Sequential Add(Module module) => Add(Count.ToString(CultureInfo.InvariantCulture), module);

    /// <summary>Appends a module under a name of your choice (e.g. "backbone"); returns this, for chaining.</summary>
    public Sequential Add(string name, Module module)
    {
        RegisterModule(name, module);
        return this;
    }

    /// <inheritdoc />
    public IEnumerator<Module> GetEnumerator() => RegisteredChildren().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        var x = input;
        Module? producer = null; // the child that made x; null while x is the input
        var children = RegisteredChildren();
        for (int i = 0; i < children.Count; i++)
        {
            var consumer = children[i];
            Tensor y;
            if (consumer is Conv2d conv && ConvBlockFusion.Match(children, i, x) is { Length: > 1 } block)
            {
                y = conv.CallFused(x, block.BatchNorm, block.Relu);
                i += block.Length - 1;
            }
            else
            {
                y = consumer.Call(x);
            }
            if (producer is not null)
            {
                ActivationRelease.AfterConsumed(x, y, input, producer, consumer);
            }
            // A built-in layer that passed its input through (Identity, Dropout in eval) made nothing: the tensor is
            // still the earlier producer's, which may be a user module that keeps it, or the Sequential's input.
            if (!ReferenceEquals(y, x) || !ActivationRelease.KeepsNoTensors(children[i]))
            {
                producer = children[i];
            }
            x = y;
        }
        return x;
    }
}
