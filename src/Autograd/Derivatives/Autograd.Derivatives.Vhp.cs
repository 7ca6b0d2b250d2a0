namespace MiniTorch;

public static partial class Autograd
{
    public static partial class Derivatives
    {
        /// <summary>
        /// The vector-Hessian product vᵀ·H of a scalar function (PyTorch's <c>vhp</c>), by reverse mode over reverse
        /// mode: the gradient is computed with a graph, then differentiated with <paramref name="v"/> as its
        /// vector-Jacobian vector. Equal to <see cref="Hvp(Func{Tensor, Tensor}, Tensor, Tensor, bool, bool)"/> for a
        /// symmetric Hessian (any twice continuously differentiable function).
        /// </summary>
        public static (Tensor Output, Tensor Vhp) Vhp(Func<Tensor, Tensor> f, Tensor input, Tensor v, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentNullException.ThrowIfNull(v);
            var (output, vhp) = Vhp(xs => f(xs[0]), [input], [v], createGraph, strict);
            return (output, vhp[0]);
        }

        /// <summary>The vector-Hessian product of a scalar function of several tensors: one block of vᵀ·H per input.</summary>
        public static (Tensor Output, Tensor[] Vhp) Vhp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] v, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentNullException.ThrowIfNull(v);
            using (EnableGrad())
            {
                var xs = PrepareInputs("Vhp", inputs, createGraph);
                if (v.Length != xs.Length)
                {
                    throw new ArgumentException($"Vhp: got {xs.Length} inputs but {v.Length} vectors; pass one vector per input.", nameof(v));
                }
                for (int i = 0; i < xs.Length; i++)
                {
                    RequireSameShape("Vhp", $"v[{i}]", v[i] ?? throw new ArgumentNullException(nameof(v), $"Vhp: vector {i} is null."), $"input {i}", xs[i]);
                }
                var y = Call("Vhp", f, xs);
                RequireScalar("Vhp", y);
                RequireDifferentiableOutput("Vhp", y, strict);
                var grads = y.RequiresGrad
                    ? Grad([y], xs, retainGraph: true, createGraph: true, allowUnused: true)
                    : new Tensor?[xs.Length];
                CheckStrict(grads, strict, IndependentOutput);
                for (int i = 0; strict && i < grads.Length; i++)
                {
                    if (!grads[i]!.RequiresGrad)
                    {
                        throw new AutogradException(IndependentGradient(i));
                    }
                }
                // Only the gradients that depend on the inputs have a second derivative; the others contribute zero.
                var outputs = new List<Tensor>(xs.Length);
                var vectors = new List<Tensor?>(xs.Length);
                for (int i = 0; i < xs.Length; i++)
                {
                    if (grads[i] is { RequiresGrad: true } g)
                    {
                        outputs.Add(g);
                        vectors.Add(v[i]);
                    }
                }
                var vhp = outputs.Count == 0
                    ? new Tensor?[xs.Length]
                    : Grad(outputs, xs, vectors, retainGraph: createGraph, createGraph: createGraph, allowUnused: true);
                CheckStrict(vhp, strict, IndependentJacobian);
                var result = ZerosForUnused(vhp, xs);
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = Finish(result[i], createGraph);
                }
                return (Finish(y, createGraph), result);
            }
        }
    }
}
