namespace MiniTorch.Plugins;

/// <summary>
/// Validates a plugin op as PyTorch's <c>torch.library.opcheck</c> validates a custom op: on each of the op's
/// samples it runs the <see cref="OpCheckTest"/> checks (forward, no-grad behaviour, gradient shapes, partial
/// gradients, GradCheck, GradGradCheck, float32) and reports every outcome instead of stopping at the first failure.
/// </summary>
/// <example>
/// <code>
/// var report = OpCheck.Run(host.Ops, "swish");
/// Console.WriteLine(report);      // op 'swish': 14/14 checks passed
/// report.ThrowIfFailed();
/// </code>
/// </example>
public static class OpCheck
{
    /// <summary>Validates the loaded op <paramref name="name"/> of <paramref name="registry"/>.</summary>
    public static OpCheckReport Run(OpRegistry registry, string name, OpCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return Run(registry.Definition(name), options);
    }

    /// <summary>Validates <paramref name="op"/> on every one of its samples.</summary>
    public static OpCheckReport Run(OpDefinition op, OpCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(op);
        options ??= OpCheckOptions.Default;
        var outcomes = new List<OpCheckOutcome>();
        for (int s = 0; s < op.Samples.Count; s++)
        {
            new SampleRun(op, s, options, outcomes).Run();
        }
        return new OpCheckReport(outcomes);
    }

    /// <summary>The checks of one sample; each records its own outcome, so one failure does not hide another.</summary>
    private sealed class SampleRun
    {
        private readonly OpDefinition _op;
        private readonly int _index;
        private readonly OpCheckOptions _options;
        private readonly List<OpCheckOutcome> _outcomes;
        private readonly OpSample _sample;
        private readonly PluginAttributes _attributes;
        private readonly SampleInputs _inputs;
        private readonly bool[] _differentiable;
        private readonly string _target;

        public SampleRun(OpDefinition op, int index, OpCheckOptions options, List<OpCheckOutcome> outcomes)
        {
            _op = op;
            _index = index;
            _options = options;
            _outcomes = outcomes;
            _sample = op.Samples[index];
            _target = $"op '{op.Name}'";
            _attributes = PluginAttributes.Merge(_target, op.Attributes, [], _sample.Attributes);
            _inputs = new SampleInputs(op, _sample, options.Seed + index);
            // Integer and bool inputs have no gradient, as in PyTorch: they are never differentiated or perturbed.
            _differentiable = new bool[op.Inputs.Count];
            for (int i = 0; i < _differentiable.Length; i++)
            {
                _differentiable[i] = op.DeclaredDType(i) is null && (_sample.Differentiable?[i] ?? true);
            }
        }

        public void Run()
        {
            if (Forward() is not { } output)
            {
                return; // nothing else can run without an output
            }
            Check(OpCheckTest.NoGrad, () => NoGrad(output));
            if (!_differentiable.Contains(true) || !output.DType.IsFloatingPoint())
            {
                // An op of integer or bool inputs only (or an integer result) has no gradient to check, as
                // torch.library.opcheck skips autograd checks for outputs that do not require grad.
                SkipGradientChecks(output);
                return;
            }
            var gradOutput = Tensor.RandnLike(output, new Generator(_options.Seed + _index + 1));
            Tensor?[]? grads = null;
            Check(OpCheckTest.GradientShapes, () => GradientShapes(gradOutput, out grads));
            if (grads is not null && _differentiable.Count(d => d) > 1)
            {
                Check(OpCheckTest.PartialGradients, () => PartialGradients(gradOutput, grads));
            }
            Check(OpCheckTest.GradCheck, () =>
            {
                GradCheck.Check(Apply, Inputs(DType.Float64), _options.Eps, _options.Atol, _options.Rtol);
                return null;
            });
            Check(OpCheckTest.GradGradCheck, () =>
            {
                GradCheck.GradGradCheck(Apply, Inputs(DType.Float64), null, _options.Eps, _options.Atol, _options.Rtol, seed: _options.Seed + _index);
                return null;
            });
            if (grads is not null)
            {
                Check(OpCheckTest.Float32, () => Float32(output, gradOutput, grads));
            }
            if (_options.CrossCheck is { } cross && _options.Runs(OpCheckTest.CrossCheck))
            {
                CrossCheck(cross);
            }
        }

        private void SkipGradientChecks(Tensor output)
        {
            string why = !_differentiable.Contains(true)
                ? $"the op has no floating input to differentiate ({string.Join(", ", Enumerable.Range(0, _op.Inputs.Count).Where(i => _op.DeclaredDType(i) is not null).Select(i => $"'{_op.Inputs[i]}' is {_op.DeclaredDType(i)}"))})"
                : $"the op's output is {output.DType}, which has no gradient";
            foreach (var test in (ReadOnlySpan<OpCheckTest>)[OpCheckTest.GradientShapes, OpCheckTest.GradCheck, OpCheckTest.GradGradCheck])
            {
                if (_options.Runs(test))
                {
                    _outcomes.Add(new OpCheckOutcome(_target, test, _index, _sample.ToString(), null) { NotRun = true, Detail = $"not run: {why}." });
                }
            }
        }

        /// <summary>The forward result against the independent implementation, in float64 then float32.</summary>
        private void CrossCheck(IOpCrossCheck cross)
        {
            OpCheckOutcome Outcome(string? failure) => new(_target, OpCheckTest.CrossCheck, _index, _sample.ToString(), failure);
            if (cross.WhyNotCheckable(_op) is { } reason)
            {
                _outcomes.Add(_options.StrictCrossCheck
                    ? Outcome($"not cross-checked with {cross.Name}: {reason} Strict cross-checking (OpCheckOptions.StrictCrossCheck) needs every op to be checkable.")
                    : Outcome(null) with { NotRun = true, Detail = $"not cross-checked with {cross.Name}: {reason}" });
                return;
            }
            foreach (var dtype in (ReadOnlySpan<DType>)[DType.Float64, DType.Float32])
            {
                try
                {
                    _outcomes.Add(CrossCheckComparison.Run(_op, _attributes, _inputs.Make(dtype, new bool[_op.Inputs.Count]), dtype, _options, Outcome));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    string label = dtype == DType.Float32 ? "float32" : "float64";
                    _outcomes.Add(Outcome($"{label}: {cross.Name} could not run the op: {e.GetType().Name}: {e.Message}") with { DType = dtype });
                }
            }
        }

        private Tensor Apply(Tensor[] inputs) =>
            (_op.Create(_attributes) ?? throw new InvalidOperationException("Create returned null instead of a Function.")).Apply(inputs);

        private Tensor[] Inputs(DType dtype) => _inputs.Make(dtype, _differentiable);

        private Tensor? Forward()
        {
            Tensor? output = null;
            Check(OpCheckTest.Forward, () =>
            {
                var inputs = Inputs(DType.Float64);
                var before = Array.ConvertAll(inputs, t => (t.ToDoubleArray(), t.Version));
                var result = Apply(inputs);
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (inputs[i].Version != before[i].Version || !inputs[i].ToDoubleArray().SequenceEqual(before[i].Item1))
                    {
                        return $"forward modified input {i} '{_op.Inputs[i]}' in place; an op must leave its inputs unchanged (clone first, or return a new tensor).";
                    }
                }
                if (_inputs.HasFloatingInput && result.DType.IsFloatingPoint() && result.DType != DType.Float64)
                {
                    return $"forward returned a {result.DType} tensor for float64 inputs; an op must keep its inputs' dtype.";
                }
                output = result;
                return null;
            });
            return output;
        }

        private string? NoGrad(Tensor output)
        {
            Tensor result;
            using (Autograd.NoGrad())
            {
                result = Apply(Inputs(DType.Float64));
            }
            if (result.RequiresGrad || result.GradFn is not null)
            {
                return "under Autograd.NoGrad() the output requires grad or has a GradFn; it must record nothing.";
            }
            if (!result.Shape.SequenceEqual(output.Shape) || !result.ToDoubleArray().SequenceEqual(output.ToDoubleArray()))
            {
                return $"under Autograd.NoGrad() the output ({ShapeText.Format(result.Shape)}) differs from the output with grad enabled ({ShapeText.Format(output.Shape)}); forward must not depend on grad mode.";
            }
            return null;
        }

        private string? GradientShapes(Tensor gradOutput, out Tensor?[]? grads)
        {
            grads = null;
            var inputs = Inputs(DType.Float64);
            var computed = Apply(inputs);
            var wanted = Differentiable(inputs);
            Tensor?[] result;
            try
            {
                result = Autograd.Grad([computed], wanted.Select(i => inputs[i]).ToArray(), [gradOutput], allowUnused: true);
            }
            catch (AutogradException e)
            {
                // The engine checks every gradient a node returns against its input's shape and dtype, and names the node.
                return $"backward returned a gradient the engine rejects: {e.Message}";
            }
            var full = new Tensor?[inputs.Length];
            for (int k = 0; k < wanted.Length; k++)
            {
                int i = wanted[k];
                if (result[k] is not { } grad)
                {
                    return $"backward returned no gradient (null) for input {i} '{_op.Inputs[i]}' of shape {ShapeText.Format(inputs[i].Shape)}, which requires grad. Return a gradient for it, or mark the input as not differentiable in the sample (OpSample.Differentiable).";
                }
                full[i] = grad;
            }
            grads = full;
            return null;
        }

        private string? PartialGradients(Tensor gradOutput, Tensor?[] full)
        {
            foreach (int i in Differentiable(full))
            {
                var requires = new bool[_differentiable.Length];
                requires[i] = true;
                var inputs = _inputs.Make(DType.Float64, requires);
                Tensor? grad;
                try
                {
                    grad = Autograd.Grad([Apply(inputs)], [inputs[i]], [gradOutput], allowUnused: true)[0];
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return $"with only input {i} '{_op.Inputs[i]}' requiring grad, backward threw {e.GetType().Name}: {e.Message} Backward must handle inputs that need no gradient (FunctionContext.NeedsInputGrad).";
                }
                if (grad is null || !grad.AllClose(full[i]!, rtol: 1e-10, atol: 1e-12))
                {
                    return $"with only input {i} '{_op.Inputs[i]}' requiring grad, its gradient differs from the one computed with every input requiring grad.";
                }
            }
            return null;
        }

        private string? Float32(Tensor output64, Tensor gradOutput64, Tensor?[] grads64)
        {
            var inputs = Inputs(DType.Float32);
            var output = Apply(inputs);
            if (output.DType != DType.Float32)
            {
                return $"forward returned a {output.DType} tensor for float32 inputs; an op must keep its inputs' dtype.";
            }
            if (!output.Shape.SequenceEqual(output64.Shape) || !output.To(DType.Float64).AllClose(output64, rtol: 1e-3, atol: 1e-4))
            {
                return $"the float32 output differs from the float64 output by more than float32 rounding explains (max |difference| {MaxDifference(output, output64):G3}).";
            }
            var wanted = Differentiable(inputs);
            var grads = Autograd.Grad([output], wanted.Select(i => inputs[i]).ToArray(), [gradOutput64.To(DType.Float32)], allowUnused: true);
            for (int k = 0; k < wanted.Length; k++)
            {
                int i = wanted[k];
                if (grads[k] is not { } g || g.DType != DType.Float32 || !g.To(DType.Float64).AllClose(grads64[i]!, rtol: 1e-3, atol: 1e-3))
                {
                    return $"the float32 gradient of input {i} '{_op.Inputs[i]}' is missing, not float32, or differs from the float64 gradient by more than float32 rounding explains.";
                }
            }
            return null;
        }

        private int[] Differentiable(IReadOnlyList<Tensor?> inputs) => Enumerable.Range(0, inputs.Count).Where(i => _differentiable[i]).ToArray();

        private static double MaxDifference(Tensor a, Tensor b)
        {
            using (Autograd.NoGrad())
            {
                return (a.To(DType.Float64) - b).Abs().Max().Item();
            }
        }

        /// <summary>Runs one check, recording its failure message, or the exception it threw, as the outcome.</summary>
        private void Check(OpCheckTest test, Func<string?> check)
        {
            // Forward always runs: every other check needs its output.
            if (test != OpCheckTest.Forward && !_options.Runs(test))
            {
                return;
            }
            string? failure;
            try
            {
                failure = check();
            }
            catch (GradCheckException e)
            {
                failure = e.Message;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failure = $"threw {e.GetType().Name}: {e.Message}";
            }
            _outcomes.Add(new OpCheckOutcome(_target, test, _index, _sample.ToString(), failure));
        }
    }
}
