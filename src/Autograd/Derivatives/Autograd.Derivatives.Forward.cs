namespace MiniTorch;

public static partial class Autograd
{
    public static partial class Derivatives
    {
        /// <summary>
        /// The output of <paramref name="f"/> at <paramref name="input"/> and the Jacobian-vector product J·v
        /// (PyTorch's <c>torch.func.jvp</c>), computed in one forward-mode pass with <see cref="ForwardAD"/>: no graph
        /// is stored, whatever the number of outputs.
        /// </summary>
        public static (Tensor Output, Tensor Jvp) Jvp(Func<Tensor, Tensor> f, Tensor input, Tensor v, bool createGraph = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentNullException.ThrowIfNull(v);
            return Jvp(xs => f(xs[0]), [input], [v], createGraph);
        }

        /// <summary>The Jacobian-vector product of a function of several tensors, with one tangent per input: Σᵢ Jᵢ·vᵢ.</summary>
        public static (Tensor Output, Tensor Jvp) Jvp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] v, bool createGraph = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentNullException.ThrowIfNull(v);
            var xs = PrepareInputs("Jvp", inputs, createGraph, forReverseMode: false);
            using (ForwardAD.Enter())
            {
                var (primal, tangent) = ForwardAD.Unpack(Call("Jvp", f, MakeDuals("Jvp", xs, v, "tangent")));
                return (Finish(primal, createGraph), Finish(tangent ?? Tensor.ZerosLike(primal), createGraph));
            }
        }

        /// <summary>
        /// The Hessian-vector product H·v of a scalar function (PyTorch's <c>hvp</c>), by forward mode over reverse mode:
        /// the gradient is computed on dual inputs carrying v, so its tangent is H·v, at the cost of about one
        /// gradient evaluation instead of building H.
        /// </summary>
        public static (Tensor Output, Tensor Hvp) Hvp(Func<Tensor, Tensor> f, Tensor input, Tensor v, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentNullException.ThrowIfNull(v);
            var (output, hvp) = Hvp(xs => f(xs[0]), [input], [v], createGraph, strict);
            return (output, hvp[0]);
        }

        /// <summary>The Hessian-vector product of a scalar function of several tensors: one block of H·v per input.</summary>
        /// <remarks>With <paramref name="strict"/>, an output independent of an input, or a gradient independent of the inputs, throws PyTorch's error.</remarks>
        public static (Tensor Output, Tensor[] Hvp) Hvp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] v, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentNullException.ThrowIfNull(v);
            using (EnableGrad())
            {
                var xs = PrepareInputs("Hvp", inputs, createGraph);
                using (ForwardAD.Enter())
                {
                    var y = Call("Hvp", f, MakeDuals("Hvp", xs, v, "vector"));
                    RequireScalar("Hvp", y);
                    RequireDifferentiableOutput("Hvp", y, strict);
                    var grads = y.RequiresGrad
                        ? Grad([y], xs, retainGraph: createGraph, createGraph: true, allowUnused: true)
                        : new Tensor?[xs.Length];
                    CheckStrict(grads, strict, IndependentOutput);
                    for (int i = 0; strict && i < grads.Length; i++)
                    {
                        if (!grads[i]!.RequiresGrad)
                        {
                            throw new AutogradException(IndependentGradient(i));
                        }
                    }
                    var hvp = new Tensor[xs.Length];
                    for (int i = 0; i < xs.Length; i++)
                    {
                        var tangent = grads[i] is { } g ? ForwardAD.Unpack(g).Tangent : null;
                        hvp[i] = Finish(tangent ?? Tensor.ZerosLike(xs[i]), createGraph);
                    }
                    return (Finish(ForwardAD.Unpack(y).Primal, createGraph), hvp);
                }
            }
        }

        /// <summary>Dual tensors at the open level: each input with its vector as tangent, after checking there is one per input of its shape and dtype.</summary>
        private static Tensor[] MakeDuals(string op, Tensor[] xs, Tensor[] v, string vectorName)
        {
            if (v.Length != xs.Length)
            {
                throw new ArgumentException($"{op}: got {xs.Length} inputs but {v.Length} {vectorName}s; pass one {vectorName} per input.", nameof(v));
            }
            var duals = new Tensor[xs.Length];
            for (int i = 0; i < xs.Length; i++)
            {
                var vi = v[i] ?? throw new ArgumentNullException(nameof(v), $"{op}: {vectorName} {i} is null.");
                RequireSameShape(op, $"v[{i}]", vi, $"input {i}", xs[i]);
                duals[i] = ForwardAD.MakeDual(xs[i], vi);
            }
            return duals;
        }

        /// <summary>Columns of the Jacobian, one forward-mode pass per input element, reshaped per input.</summary>
        private static Tensor[] ForwardJacobian(Func<Tensor[], Tensor> f, Tensor[] xs, bool createGraph)
        {
            var columns = new Tensor[xs.Length][];
            int[]? outShape = null;
            DType outDType = xs[0].DType;
            for (int j = 0; j < xs.Length; j++)
            {
                int n = xs[j].Numel;
                columns[j] = new Tensor[n];
                for (int k = 0; k < n; k++)
                {
                    using (ForwardAD.Enter())
                    {
                        var args = (Tensor[])xs.Clone();
                        args[j] = ForwardAD.MakeDual(xs[j], OneHot(xs[j], k));
                        var (primal, tangent) = ForwardAD.Unpack(Call("Jacobian", f, args));
                        outShape ??= primal.ShapeArray;
                        outDType = primal.DType;
                        columns[j][k] = tangent ?? Tensor.ZerosLike(primal);
                    }
                }
            }
            // Every input was empty: one plain call gives the output's shape.
            outShape ??= Call("Jacobian", f, xs).ShapeArray;
            var result = new Tensor[xs.Length];
            for (int j = 0; j < xs.Length; j++)
            {
                int[] shape = [.. outShape, .. xs[j].ShapeArray];
                result[j] = columns[j].Length == 0
                    ? Tensor.Zeros(shape, outDType)
                    : Finish(Tensor.Stack(columns[j], dim: outShape.Length).View(shape), createGraph);
            }
            return result;
        }
    }
}
