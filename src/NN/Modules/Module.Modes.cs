namespace MiniTorch.NN;

// Modes and whole-tree operations: training/evaluation, freezing, gradients, dtype conversion.
public abstract partial class Module
{
    /// <summary>Whether the module is in training mode (the default); Dropout and BatchNorm behave differently in evaluation mode.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>
    /// Whether <see cref="Freeze"/> was called on this module (or an ancestor) and not undone by <see cref="Unfreeze"/>.
    /// A frozen BatchNorm normalises with its running statistics and never updates them, even in training mode.
    /// </summary>
    public bool IsFrozen { get; private set; }

    /// <summary>Sets training mode on this module and every descendant (PyTorch's <c>train(mode)</c>); returns this.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules())
        {
            m.IsTraining = mode;
        }
        return this;
    }

    /// <summary>Sets evaluation mode on this module and every descendant (PyTorch's <c>eval()</c>); returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Sets <see cref="Tensor.RequiresGrad"/> on every parameter of this module and its descendants
    /// (PyTorch's <c>requires_grad_(flag)</c>); returns this. BatchNorm statistics are not affected: use <see cref="Freeze"/> for that.
    /// </summary>
    public Module RequiresGrad(bool requiresGrad = true)
    {
        foreach (var p in Parameters())
        {
            p.RequiresGrad = requiresGrad;
        }
        return this;
    }

    /// <summary>
    /// Freezes this module and its descendants for transfer learning: no parameter requires grad (so an optimizer
    /// leaves them alone and backward does not compute their gradients), and BatchNorm layers keep their running
    /// statistics fixed and use them even after a later <see cref="Train"/>. Returns this.
    /// </summary>
    public Module Freeze()
    {
        RequiresGrad(false);
        foreach (var m in Modules())
        {
            m.IsFrozen = true;
        }
        return this;
    }

    /// <summary>Undoes <see cref="Freeze"/>: every parameter requires grad again and BatchNorm follows the training mode. Returns this.</summary>
    public Module Unfreeze()
    {
        RequiresGrad(true);
        foreach (var m in Modules())
        {
            m.IsFrozen = false;
        }
        return this;
    }

    /// <summary>
    /// Clears the gradients of every parameter (PyTorch's <c>zero_grad()</c>): by default sets them to null, as
    /// PyTorch 2 does, which saves memory and lets optimizers skip parameters that get no gradient; with
    /// <paramref name="setToNone"/> false, fills existing gradients with zeros instead. Inside a <see cref="TensorScope"/>,
    /// gradients set to null are disposed when the scope ends (read them before, or keep them with
    /// <see cref="Tensor.DetachFromScope"/>), so a training step that begins with ZeroGrad reuses their memory.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (p.Grad is not { } grad)
            {
                continue;
            }
            if (setToNone)
            {
                p.Grad = null;
                // Inside a scope the dropped gradient is disposed when the scope ends, so the next backward reuses its memory.
                TensorScope.Current?.Include(grad);
            }
            else if (grad.RequiresGrad)
            {
                p.Grad = Tensor.ZerosLike(grad); // a gradient that carries a graph is replaced, not written into
            }
            else
            {
                using (Autograd.NoGrad())
                {
                    grad.ZeroInPlace();
                }
            }
        }
    }

    /// <summary>Calls <paramref name="fn"/> on every descendant and then on this module (PyTorch's <c>apply</c>, e.g. for custom initialisation); returns this.</summary>
    public Module Apply(Action<Module> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        foreach (var (_, child) in NamedChildren())
        {
            child.Apply(fn);
        }
        fn(this);
        return this;
    }

    /// <summary>
    /// Converts every floating-point parameter and buffer to <paramref name="dtype"/> (PyTorch's <c>module.to(dtype)</c>);
    /// returns this. Integer and bool buffers, such as BatchNorm's Int64 <c>num_batches_tracked</c>, keep their dtype,
    /// as in PyTorch, which casts only floating-point tensors and accepts only a floating-point target.
    /// Parameters are replaced by new <see cref="Parameter"/> objects (with converted gradients), so build optimizers
    /// after converting, and read parameters through the module rather than keeping references from before.
    /// Tied parameters stay tied.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point dtype.</exception>
    public Module To(DType dtype)
    {
        if (!dtype.IsFloatingPoint())
        {
            throw new ArgumentException($"{GetType().Name}.To: nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={dtype.TorchName()}.", nameof(dtype));
        }
        var converted = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var module in Modules())
        {
            for (int i = 0; i < module._parameters.Count; i++)
            {
                var (name, p) = module._parameters.GetAt(i);
                if (p is not null && p.DType != dtype && p.DType.IsFloatingPoint())
                {
                    module._parameters[name] = (Parameter)Convert(p, dtype, converted);
                }
            }
            for (int i = 0; i < module._buffers.Count; i++)
            {
                var (name, b) = module._buffers.GetAt(i);
                if (b is not null && b.DType != dtype && b.DType.IsFloatingPoint())
                {
                    module._buffers[name] = Convert(b, dtype, converted);
                }
            }
        }
        return this;
    }

    private static Tensor Convert(Tensor t, DType dtype, Dictionary<Tensor, Tensor> converted)
    {
        if (converted.TryGetValue(t, out var done))
        {
            return done;
        }
        Tensor result;
        using (Autograd.NoGrad())
        {
            if (t is Parameter p)
            {
                var np = new Parameter(p.Detach().To(dtype), p.RequiresGrad);
                np.Grad = p.Grad?.Detach().To(dtype);
                result = np;
            }
            else
            {
                result = t.Detach().To(dtype);
            }
        }
        converted[t] = result;
        return result;
    }
}
