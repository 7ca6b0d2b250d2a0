using System.Runtime.CompilerServices;

namespace MiniTorch;

/// <summary>
/// Applies a custom function (<see cref="Function"/> or <see cref="MultiOutputFunction"/>) as PyTorch's
/// <c>Function.apply</c> does: runs Forward without a graph, then wraps the outputs (dirty inputs keep their tensor
/// object and take the function's history, non-differentiable outputs stay constants, outputs that are inputs become
/// new tensor objects), records one node with one gradient slot per output, and computes tangents with Jvp.
/// </summary>
internal static class CustomFunctionRunner
{
    // Weak keys: a function type from a plugin's collectible load context must not be kept alive by this cache.
    private static readonly ConditionalWeakTable<Type, StrongBox<bool>> s_onceDifferentiable = new();

    public static Tensor[] Apply(ICustomFunction function, Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        string name = function.Name;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentNullException(nameof(inputs), $"{name}: input {i} is null.");
            }
        }
        bool record = Node.IsNeeded(inputs);
        var needs = new bool[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            needs[i] = record && inputs[i].RequiresGrad;
        }
        var ctx = new FunctionContext(needs);
        bool dual = ForwardAD.IsActive && ForwardAD.AnyTangent(inputs);
        Tensor[] outputs;
        // Forward mode is suspended too: the outputs' tangents come from Jvp, not from the ops Forward is made of.
        // Tracing too: the function reports itself below, and what Forward computes with is its own business.
        using (Autograd.NoGradSynchronously())
        using (ForwardAD.SuspendIfActive())
        using (Tracing.Suspend())
        {
            outputs = (Tensor[])function.RunForward(ctx, (Tensor[])inputs.Clone()).Clone();
        }
        CheckOutputs(name, ctx, inputs, outputs, record);
        ctx.SetOutputs(outputs);
        FunctionNode? node = null;
        if (record)
        {
            node = new FunctionNode(function, ctx, outputs.Length, IsOnceDifferentiable(function));
            var edges = new Edge[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                edges[i] = Edge.To(inputs[i]); // before any dirty input takes the new history
            }
            node.Edges = edges;
        }
        var returned = (Tensor[])outputs.Clone();
        for (int i = 0; i < outputs.Length; i++)
        {
            int first = Array.IndexOf(returned, returned[i]);
            if (first < i)
            {
                // The same tensor returned twice stays one object (PyTorch's test_return_duplicate); it takes the later output number.
                outputs[i] = outputs[first];
                if (node is not null && outputs[i].GradFn == node)
                {
                    outputs[i].SetHistory(node, i);
                }
                continue;
            }
            var output = outputs[i];
            bool dirty = ctx.IsDirty(output);
            if (!dirty && (Array.IndexOf(inputs, output) >= 0 || (record && (!output.IsLeaf || output.RequiresGrad))))
            {
                // A fresh tensor object, so recording history (or a tangent) never rewrites an input's or another output's.
                output = outputs[i] = output.Detach();
            }
            if (node is null)
            {
                continue;
            }
            if (ctx.IsNonDifferentiable(returned[i]))
            {
                continue;
            }
            output.SetHistory(node, i);
        }
        if (dual)
        {
            ApplyJvp(function, ctx, inputs, outputs, returned);
        }
        if (Tracing.IsActive)
        {
            // Marked as a custom function so an exporter never mistakes it for a built-in op of the same name.
            Tracing.Record(name, outputs, inputs, new OpAttributes { { "customFunction", true } });
        }
        return outputs;
    }

    private static void CheckOutputs(string name, FunctionContext ctx, Tensor[] inputs, Tensor[] outputs, bool record)
    {
        if (outputs.Length == 0)
        {
            throw new InvalidOperationException($"{name}.Forward returned no tensors; it must return at least one.");
        }
        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputs[i] is null)
            {
                throw new InvalidOperationException($"{name}.Forward returned null as output {i}; every output must be a tensor.");
            }
        }
        foreach (var dirty in ctx.Dirty)
        {
            if (Array.IndexOf(inputs, dirty) < 0)
            {
                throw new InvalidOperationException($"{name}: MarkDirty was given a tensor (shape {Shapes.Format(dirty.ShapeSpan)}) that is not one of the inputs; only inputs modified in place can be marked dirty.");
            }
            if (Array.IndexOf(outputs, dirty) < 0)
            {
                // PyTorch's words.
                throw new InvalidOperationException($"{name}: Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.");
            }
            if (record && dirty.IsLeaf && dirty.RequiresGrad)
            {
                throw new AutogradException($"{name}: a leaf Variable that requires grad has been used in an in-place operation (an input marked dirty). Pass a Clone() of it, or call the function inside Autograd.NoGrad().");
            }
            if (record && dirty.IsView)
            {
                throw new AutogradException($"{name}: in-place operation (MarkDirty) on a view (shape {Shapes.Format(dirty.ShapeSpan)}) of a tensor that takes part in autograd is not supported by MiniTorch; pass a Clone() of the view.");
            }
        }
    }

    private static bool IsOnceDifferentiable(ICustomFunction function) =>
        s_onceDifferentiable.GetValue(function.GetType(), static t => new StrongBox<bool>(t.IsDefined(typeof(OnceDifferentiableAttribute), inherit: true))).Value;

    private static void ApplyJvp(ICustomFunction function, FunctionContext ctx, Tensor[] inputs, Tensor[] outputs, Tensor[] returned)
    {
        var tangents = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            tangents[i] = ForwardAD.TangentOf(inputs[i]);
        }
        using var jvp = ForwardAD.Suspend();
        ctx.InJvp = true;
        Tensor?[]? results;
        try
        {
            results = function.RunJvp(ctx, tangents);
        }
        finally
        {
            ctx.InJvp = false;
        }
        if (results is null)
        {
            return;
        }
        if (results.Length != outputs.Length)
        {
            throw new InvalidOperationException($"{function.Name}.Jvp returned {results.Length} tangents for {outputs.Length} outputs; return one (or null) per output.");
        }
        for (int i = 0; i < outputs.Length; i++)
        {
            if (results[i] is not { } tangent || ctx.IsNonDifferentiable(returned[i]) || Array.IndexOf(outputs, outputs[i]) < i)
            {
                continue;
            }
            var output = outputs[i];
            if (tangent.DType != output.DType || !Shapes.SameShape(Shapes.Broadcast(function.Name, tangent.ShapeSpan.ToArray(), output.ShapeArray), output.ShapeArray))
            {
                throw new InvalidOperationException($"{function.Name}.Jvp returned a tangent of {tangent.DType} {Shapes.Format(tangent.ShapeSpan)} for output {i}; expected the output's {output.DType} {Shapes.Format(output.ShapeSpan)}.");
            }
            jvp.SetTangent(output, tangent);
        }
    }
}

/// <summary>The graph node of a custom function: one gradient slot per output, one edge per input.</summary>
internal sealed class FunctionNode : Node
{
    private readonly ICustomFunction _function;
    private readonly FunctionContext _ctx;
    private readonly string _name;
    private readonly int _outputCount;
    private readonly bool _onceDifferentiable;

    public FunctionNode(ICustomFunction function, FunctionContext ctx, int outputCount, bool onceDifferentiable)
    {
        _function = function;
        _ctx = ctx;
        _name = function.Name + "Backward";
        _outputCount = outputCount;
        _onceDifferentiable = onceDifferentiable;
        ctx.Owner = this;
    }

    public override string Name => _name;

    internal override int OutputCount => _outputCount;

    internal override Tensor?[] Apply(Tensor g) => ApplyOutputs([g]);

    internal override Tensor?[] ApplyOutputs(Tensor?[] gradOutputs)
    {
        bool anyRequiresGrad = false;
        for (int i = 0; i < gradOutputs.Length; i++)
        {
            if (gradOutputs[i] is null && _ctx.MaterializeGrads)
            {
                gradOutputs[i] = _ctx.ZeroGradient(i);
            }
            anyRequiresGrad |= gradOutputs[i]?.RequiresGrad == true;
        }
        Tensor?[]? grads;
        if (_onceDifferentiable)
        {
            // PyTorch's once_differentiable: backward runs without a graph; under createGraph the results get a node
            // that refuses to be differentiated, instead of being constants whose derivative would silently be zero.
            bool createGraph = Autograd.IsGradEnabled && anyRequiresGrad;
            using (Autograd.NoGradSynchronously())
            {
                grads = _function.RunBackward(_ctx, gradOutputs);
            }
            if (createGraph && grads is not null)
            {
                for (int i = 0; i < grads.Length; i++)
                {
                    if (grads[i] is { } g)
                    {
                        var wrapped = g.Detach();
                        var error = new DelayedErrorNode("DelayedErrorBackward", "trying to differentiate twice a function that was marked with @once_differentiable ([OnceDifferentiable] " + _function.Name + ")");
                        error.Edges = Edges;
                        wrapped.SetHistory(error);
                        grads[i] = wrapped;
                    }
                }
            }
        }
        else
        {
            grads = _function.RunBackward(_ctx, gradOutputs);
        }
        if (grads is null)
        {
            throw new AutogradException($"{_name}: Backward returned null; return one gradient (or null) per input.");
        }
        if (grads.Length != Edges.Length)
        {
            // PyTorch allows trailing Nones beyond the inputs (test_too_many_grads).
            bool extraNulls = grads.Length > Edges.Length;
            for (int i = Edges.Length; extraNulls && i < grads.Length; i++)
            {
                extraNulls = grads[i] is null;
            }
            if (!extraNulls)
            {
                throw new AutogradException($"function {_name} returned an incorrect number of gradients (expected {Edges.Length}, got {grads.Length}).");
            }
            Array.Resize(ref grads, Edges.Length);
        }
        for (int i = 0; i < grads.Length; i++)
        {
            if (!NeedsInputGrad(i))
            {
                grads[i] = null;
            }
            else if (grads[i] is { } g)
            {
                GradientHandoff.Expose(g); // user code made it and may still hold it
            }
        }
        return grads;
    }

    internal override void ReleaseSavedTensors() => _ctx.Release();
}

/// <summary>A node that throws when backward reaches it (PyTorch's <c>DelayedError</c>).</summary>
internal sealed class DelayedErrorNode : Node
{
    private readonly string _name;
    private readonly string _message;

    public DelayedErrorNode(string name, string message)
    {
        _name = name;
        _message = message;
    }

    public override string Name => _name;

    internal override Tensor?[] Apply(Tensor gradOutput) => throw new AutogradException(_message);
}
