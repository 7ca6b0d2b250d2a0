namespace MiniTorch;

public static partial class Autograd
{
    /// <summary>
    /// Function transforms built on the autograd engine (PyTorch's <c>torch.autograd.functional</c>): vector-Jacobian
    /// and Jacobian-vector products, full Jacobians by reverse or forward mode, Hessians and Hessian-vector products,
    /// of functions of one tensor or of several. The function is called on fresh inputs that require grad, so the
    /// caller's tensors are not touched; results carry no graph unless <c>createGraph</c> is set.
    /// </summary>
    public static partial class Derivatives
    {
        /// <summary>
        /// The output of <paramref name="f"/> at <paramref name="input"/> and the vector-Jacobian product vᵀ·J
        /// (PyTorch's <c>vjp</c>); <paramref name="v"/> may be omitted when the output has one element.
        /// </summary>
        /// <param name="f">The function.</param>
        /// <param name="input">Where to differentiate.</param>
        /// <param name="v">The vector of the product (may be omitted for a one-element output).</param>
        /// <param name="createGraph">Make the results differentiable.</param>
        /// <param name="strict">Throw (PyTorch's words) when the output is independent of the input, instead of returning zeros.</param>
        public static (Tensor Output, Tensor Vjp) Vjp(Func<Tensor, Tensor> f, Tensor input, Tensor? v = null, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            var (output, vjp) = Vjp(xs => f(xs[0]), [input], v, createGraph, strict);
            return (output, vjp[0]);
        }

        /// <summary>The vector-Jacobian product of a function of several tensors: one result per input, shaped like it.</summary>
        public static (Tensor Output, Tensor[] Vjp) Vjp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor? v = null, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            using (EnableGrad())
            {
                var xs = PrepareInputs("Vjp", inputs, createGraph);
                var y = Call("Vjp", f, xs);
                if (v is null && y.Numel != 1)
                {
                    throw new ArgumentException($"Vjp: the function's output has shape {Shapes.Format(y.ShapeSpan)}; pass v of that shape (v may be omitted only for a one-element output).", nameof(v));
                }
                if (v is not null)
                {
                    RequireSameShape("Vjp", "v", v, "the function's output", y);
                }
                RequireDifferentiableOutput("Vjp", y, strict);
                var grads = y.RequiresGrad
                    ? Grad([y], xs, [v ?? Tensor.OnesLike(y)], retainGraph: createGraph, createGraph: createGraph, allowUnused: true)
                    : new Tensor?[xs.Length];
                CheckStrict(grads, strict, IndependentOutput);
                return (Finish(y, createGraph), ZerosForUnused(grads, xs));
            }
        }

        /// <summary>
        /// The Jacobian of <paramref name="f"/> at <paramref name="input"/>, shaped output.Shape ++ input.Shape
        /// (PyTorch's <c>jacobian</c>). Reverse mode builds it one output element per backward pass and is cheap when
        /// outputs are few; forward mode builds it one input element per pass and is cheap when inputs are few.
        /// </summary>
        public static Tensor Jacobian(Func<Tensor, Tensor> f, Tensor input, JacobianMode mode = JacobianMode.Reverse, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            return Jacobian(xs => f(xs[0]), [input], mode, createGraph, strict)[0];
        }

        /// <summary>The Jacobian of a function of several tensors: one block per input, shaped output.Shape ++ input.Shape.</summary>
        public static Tensor[] Jacobian(Func<Tensor[], Tensor> f, Tensor[] inputs, JacobianMode mode = JacobianMode.Reverse, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            if (strict && mode == JacobianMode.Forward)
            {
                // As PyTorch's jacobian(strategy="forward-mode"): forward mode cannot tell an independent output from a zero derivative.
                throw new ArgumentException("Jacobian: strict is not supported with JacobianMode.Forward; use JacobianMode.Reverse.", nameof(strict));
            }
            using (EnableGrad())
            {
                return mode switch
                {
                    JacobianMode.Reverse => ReverseJacobian(f, PrepareInputs("Jacobian", inputs, createGraph), createGraph, strict),
                    JacobianMode.Forward => ForwardJacobian(f, PrepareInputs("Jacobian", inputs, createGraph, forReverseMode: false), createGraph),
                    _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Jacobian: mode must be JacobianMode.Reverse or JacobianMode.Forward."),
                };
            }
        }

        /// <summary>
        /// The Hessian of a scalar function at <paramref name="input"/>, shaped input.Shape ++ input.Shape (PyTorch's
        /// <c>hessian</c>), by reverse mode over reverse mode.
        /// </summary>
        public static Tensor Hessian(Func<Tensor, Tensor> f, Tensor input, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            return Hessian(xs => f(xs[0]), [input], createGraph, strict)[0, 0];
        }

        /// <summary>The Hessian of a scalar function of several tensors: block [i, j] is shaped inputs[i].Shape ++ inputs[j].Shape.</summary>
        public static Tensor[,] Hessian(Func<Tensor[], Tensor> f, Tensor[] inputs, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(f);
            using (EnableGrad())
            {
                var xs = PrepareInputs("Hessian", inputs, createGraph);
                var y = Call("Hessian", f, xs);
                RequireScalar("Hessian", y);
                RequireDifferentiableOutput("Hessian", y, strict);
                var grads = y.RequiresGrad
                    ? Grad([y], xs, retainGraph: true, createGraph: true, allowUnused: true)
                    : new Tensor?[xs.Length];
                CheckStrict(grads, strict, IndependentOutput);
                var blocks = new Tensor[xs.Length, xs.Length];
                for (int i = 0; i < xs.Length; i++)
                {
                    var row = ReverseJacobian(grads[i] ?? Tensor.ZerosLike(xs[i]), xs, createGraph, strict ? IndependentJacobian : null);
                    for (int j = 0; j < xs.Length; j++)
                    {
                        blocks[i, j] = row[j];
                    }
                }
                return blocks;
            }
        }

        /// <summary>
        /// Fresh inputs for the function: detached leaves requiring grad, or, with createGraph, views that keep the
        /// caller's graph so the result can be differentiated further (as PyTorch's <c>_grad_preprocess</c>). Forward
        /// mode needs no reverse graph: its inputs are detached, or with createGraph the caller's tensors themselves.
        /// </summary>
        private static Tensor[] PrepareInputs(string op, Tensor[] inputs, bool createGraph, bool forReverseMode = true)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            if (inputs.Length == 0)
            {
                throw new ArgumentException($"{op}: inputs is empty; pass the tensors to differentiate with respect to.", nameof(inputs));
            }
            var xs = new Tensor[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                var x = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"{op}: input {i} is null.");
                xs[i] = !forReverseMode ? (createGraph ? x : x.Detach())
                    : createGraph && x.RequiresGrad ? x.View(x.ShapeArray) : x.Detach().SetRequiresGrad();
            }
            return xs;
        }

        private static Tensor Call(string op, Func<Tensor[], Tensor> f, Tensor[] xs)
            => f(xs) ?? throw new ArgumentException($"{op}: the function returned null; it must return a Tensor (the value to differentiate).", nameof(f));

        private static Tensor[] ReverseJacobian(Func<Tensor[], Tensor> f, Tensor[] xs, bool createGraph, bool strict)
        {
            var y = Call("Jacobian", f, xs);
            RequireDifferentiableOutput("Jacobian", y, strict);
            return ReverseJacobian(y, xs, createGraph, strict ? IndependentOutput : null);
        }

        /// <summary>Rows of the Jacobian of <paramref name="y"/>, one backward pass per element of y, reshaped per input.</summary>
        private static Tensor[] ReverseJacobian(Tensor y, Tensor[] xs, bool createGraph, Func<int, string>? strictMessage = null)
        {
            int m = y.Numel;
            var rows = new Tensor[xs.Length][];
            for (int j = 0; j < xs.Length; j++)
            {
                rows[j] = new Tensor[m];
            }
            for (int i = 0; i < m; i++)
            {
                var grads = y.RequiresGrad
                    ? Grad([y], xs, [OneHot(y, i)], retainGraph: true, createGraph: createGraph, allowUnused: true)
                    : new Tensor?[xs.Length];
                if (strictMessage is not null)
                {
                    CheckStrict(grads, true, strictMessage);
                }
                for (int j = 0; j < xs.Length; j++)
                {
                    rows[j][i] = grads[j] ?? Tensor.ZerosLike(xs[j]);
                }
            }
            var result = new Tensor[xs.Length];
            for (int j = 0; j < xs.Length; j++)
            {
                result[j] = Assemble(rows[j], y.ShapeArray, xs[j]);
            }
            return result;
        }

        /// <summary>A tensor shaped like <paramref name="like"/>, zero but for a one at flat index <paramref name="index"/>.</summary>
        private static Tensor OneHot(Tensor like, int index)
        {
            var t = Tensor.Zeros(like.ShapeArray, like.DType);
            if (t.DType == DType.Float32)
            {
                t.Data<float>()[index] = 1;
            }
            else
            {
                t.Data<double>()[index] = 1;
            }
            return t;
        }

        /// <summary>Stacks per-element slices (each shaped like <paramref name="x"/>) into a block shaped lead ++ x.Shape.</summary>
        private static Tensor Assemble(Tensor[] slices, int[] lead, Tensor x)
        {
            int[] shape = [.. lead, .. x.ShapeArray];
            return slices.Length == 0 ? Tensor.Zeros(shape, x.DType) : Tensor.Stack(slices).View(shape);
        }

        private static Tensor[] ZerosForUnused(Tensor?[] grads, Tensor[] xs)
        {
            var result = new Tensor[xs.Length];
            for (int i = 0; i < xs.Length; i++)
            {
                result[i] = grads[i] ?? Tensor.ZerosLike(xs[i]);
            }
            return result;
        }

        private static Tensor Finish(Tensor output, bool createGraph) => createGraph ? output : output.Detach();

        // PyTorch's strict-mode messages (torch.autograd.functional._fill_in_zeros and _check_requires_grad).
        private static string IndependentOutput(int i) => $"The output of the user-provided function is independent of input {i}. This is not allowed in strict mode.";

        private static string IndependentJacobian(int i) => $"The jacobian of the user-provided function is independent of input {i}. This is not allowed in strict mode.";

        private static string IndependentGradient(int i) => $"The gradient with respect to input {i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.";

        private static void CheckStrict(Tensor?[] grads, bool strict, Func<int, string> message)
        {
            if (!strict)
            {
                return;
            }
            for (int i = 0; i < grads.Length; i++)
            {
                if (grads[i] is null)
                {
                    throw new AutogradException(message(i));
                }
            }
        }

        private static void RequireDifferentiableOutput(string op, Tensor y, bool strict)
        {
            if (strict && !y.RequiresGrad)
            {
                throw new AutogradException($"{op}: The output of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.");
            }
        }

        private static void RequireScalar(string op, Tensor y)
        {
            if (y.Numel != 1)
            {
                throw new ArgumentException($"{op}: the function must return a single-element tensor, but it returned shape {Shapes.Format(y.ShapeSpan)}.");
            }
        }

        private static void RequireSameShape(string op, string name, Tensor t, string otherName, Tensor other)
        {
            if (!Shapes.SameShape(t.ShapeSpan, other.ShapeSpan) || t.DType != other.DType)
            {
                throw new ArgumentException($"{op}: {name} is {t.DType} {Shapes.Format(t.ShapeSpan)} but {otherName} is {other.DType} {Shapes.Format(other.ShapeSpan)}; they must match.");
            }
        }
    }
}

/// <summary>How <see cref="Autograd.Derivatives.Jacobian(Func{Tensor, Tensor}, Tensor, JacobianMode, bool, bool)"/> builds the Jacobian.</summary>
public enum JacobianMode
{
    /// <summary>One backward pass per output element: cheap for many inputs and few outputs (a loss).</summary>
    Reverse,

    /// <summary>One forward-mode pass per input element: cheap for few inputs and many outputs.</summary>
    Forward,
}
