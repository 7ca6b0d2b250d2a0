namespace MiniTorch;

public static partial class Autograd
{
    public static partial class Derivatives
    {
        /// <summary>
        /// The vector-Jacobian product of a function returning several tensors (PyTorch's <c>vjp</c> with a tuple output):
        /// Σₒ vₒᵀ·Jₒ per input, with one vector per output (null allowed for a one-element output).
        /// </summary>
        public static (Tensor[] Outputs, Tensor[] Vjp) Vjp(Func<Tensor[], Tensor[]> f, Tensor[] inputs, Tensor?[]? v = null, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            using (EnableGrad())
            {
                var xs = PrepareInputs("Vjp", inputs, createGraph);
                var ys = CallSeveral("Vjp", f, xs);
                if (v is not null && v.Length != ys.Length)
                {
                    throw new ArgumentException($"Vjp: the function returned {ys.Length} tensors but {v.Length} vectors were given; pass one (or null for a one-element output) per output.", nameof(v));
                }
                var roots = new List<Tensor>(ys.Length);
                var vectors = new List<Tensor?>(ys.Length);
                for (int o = 0; o < ys.Length; o++)
                {
                    var vo = v?[o];
                    if (vo is null && ys[o].Numel != 1)
                    {
                        throw new ArgumentException($"Vjp: output {o} has shape {Shapes.Format(ys[o].ShapeSpan)}; pass v[{o}] of that shape (it may be omitted only for a one-element output).", nameof(v));
                    }
                    if (vo is not null)
                    {
                        RequireSameShape("Vjp", $"v[{o}]", vo, $"output {o}", ys[o]);
                    }
                    RequireDifferentiableOutput("Vjp", ys[o], strict);
                    if (ys[o].RequiresGrad)
                    {
                        roots.Add(ys[o]);
                        vectors.Add(vo ?? Tensor.OnesLike(ys[o]));
                    }
                }
                var grads = roots.Count > 0
                    ? Grad(roots, xs, vectors, retainGraph: createGraph, createGraph: createGraph, allowUnused: true)
                    : new Tensor?[xs.Length];
                CheckStrict(grads, strict, IndependentOutput);
                var outputs = new Tensor[ys.Length];
                for (int o = 0; o < ys.Length; o++)
                {
                    outputs[o] = Finish(ys[o], createGraph);
                }
                return (outputs, ZerosForUnused(grads, xs));
            }
        }

        /// <summary>
        /// The Jacobians of a function returning several tensors (PyTorch's <c>jacobian</c> with a tuple output): block
        /// [o, i] is shaped outputs[o].Shape ++ inputs[i].Shape.
        /// </summary>
        public static Tensor[,] Jacobian(Func<Tensor[], Tensor[]> f, Tensor[] inputs, JacobianMode mode = JacobianMode.Reverse, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentNullException.ThrowIfNull(inputs);
            int outputCount = -1;
            var blocks = new List<Tensor[]>();
            // Each output's Jacobian through the one-output form; the function runs once per output (a pure function's
            // outputs do not depend on which one is asked for).
            for (int o = 0; outputCount < 0 || o < outputCount; o++)
            {
                int index = o;
                blocks.Add(Jacobian(xs =>
                {
                    var ys = CallSeveral("Jacobian", f, xs);
                    outputCount = ys.Length;
                    if (index >= ys.Length)
                    {
                        throw new InvalidOperationException($"Jacobian: the function returned {ys.Length} tensors on one call and more on another; it must return the same number each time.");
                    }
                    return ys[index];
                }, inputs, mode, createGraph, strict));
            }
            var result = new Tensor[outputCount, inputs.Length];
            for (int o = 0; o < outputCount; o++)
            {
                for (int i = 0; i < inputs.Length; i++)
                {
                    result[o, i] = blocks[o][i];
                }
            }
            return result;
        }

        private static Tensor[] CallSeveral(string op, Func<Tensor[], Tensor[]> f, Tensor[] xs)
        {
            var ys = f(xs) ?? throw new ArgumentException($"{op}: the function returned null; it must return an array of tensors.", nameof(f));
            if (ys.Length == 0)
            {
                throw new ArgumentException($"{op}: the function returned no tensors.", nameof(f));
            }
            for (int o = 0; o < ys.Length; o++)
            {
                if (ys[o] is null)
                {
                    throw new ArgumentException($"{op}: output {o} of the function is null.", nameof(f));
                }
            }
            return ys;
        }
    }
}
