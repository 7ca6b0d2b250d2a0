namespace MiniTorch;

/// <summary>
/// The shapes of forward-mode rules shared by many ops, so that each op states only its formula. Every method here
/// is called under <c>if (ForwardAD.IsActive)</c>, returns at once when no input has a tangent (a missing tangent is
/// zero and is never materialised), and computes the tangent with forward mode suspended (see <see cref="ForwardAD.Suspend"/>).
/// Formulas are static lambdas (cached by the compiler), so a rule allocates nothing beyond the tangent itself.
/// </summary>
internal static class Jvp
{
    /// <summary>
    /// An elementwise op of one input: its Jacobian is diagonal, hence its own transpose, so the tangent is the
    /// backward formula applied to the input's tangent: <c>formula(t, saved)</c> with <paramref name="saved"/> the input or the output.
    /// </summary>
    public static void Elementwise(Tensor output, Tensor input, Tensor saved, Func<Tensor, Tensor, Tensor> formula)
    {
        if (ForwardAD.TangentOf(input) is not { } t)
        {
            return;
        }
        using var jvp = ForwardAD.Suspend();
        jvp.SetTangent(output, formula(t, saved));
    }

    /// <summary>Like the one-saved-tensor overload, for a formula that needs two saved tensors (typically the input and the output).</summary>
    public static void Elementwise(Tensor output, Tensor input, Tensor first, Tensor second, Func<Tensor, Tensor, Tensor, Tensor> formula)
    {
        if (ForwardAD.TangentOf(input) is not { } t)
        {
            return;
        }
        using var jvp = ForwardAD.Suspend();
        jvp.SetTangent(output, formula(t, first, second));
    }

    /// <summary>An op linear in its input: the tangent is the op itself applied to the tangent, <c>op(t, argument)</c>.</summary>
    public static void Linear<TArg>(Tensor output, Tensor input, TArg argument, Func<Tensor, TArg, Tensor> op)
    {
        if (ForwardAD.TangentOf(input) is not { } t)
        {
            return;
        }
        using var jvp = ForwardAD.Suspend();
        jvp.SetTangent(output, op(t, argument));
    }

    /// <summary>
    /// A two-input op: <c>rule(ta, tb, a, b, output)</c> with a null tangent for an input that has none (at least one
    /// is non-null). The result may have a broadcastable smaller shape; it is expanded to the output's.
    /// </summary>
    public static void Binary(Tensor output, Tensor a, Tensor b, Func<Tensor?, Tensor?, Tensor, Tensor, Tensor, Tensor> rule)
    {
        var ta = ForwardAD.TangentOf(a);
        var tb = ForwardAD.TangentOf(b);
        if (ta is null && tb is null)
        {
            return;
        }
        using var jvp = ForwardAD.Suspend();
        jvp.SetTangent(output, rule(ta, tb, a, b, output));
    }
}
