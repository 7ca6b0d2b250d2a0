namespace MiniTorch.Optim;

/// <summary>
/// The per-parameter update shared by <see cref="Adam"/> and <see cref="AdamW"/>, written as PyTorch 1.13's
/// single-tensor implementation so float32 results agree with it: the bias corrections are computed in double,
/// the tensor work is a handful of fused in-place passes.
/// </summary>
internal static class AdamUpdate
{
    /// <param name="parameter">θ, updated in place.</param>
    /// <param name="grad">Its gradient g (not modified).</param>
    /// <param name="state">The parameter's state: step count and buffers, created on the first step.</param>
    /// <param name="group">The group's options.</param>
    /// <param name="decoupledWeightDecay">AdamW's θ ← θ(1 − γλ) instead of Adam's L2 term g ← g + λθ.</param>
    public static void Apply(Tensor parameter, Tensor grad, ParamState state, ParamGroup group, bool decoupledWeightDecay)
    {
        double lr = group.Lr;
        var (beta1, beta2) = group.Betas;
        double eps = group.Eps;
        double weightDecay = group.WeightDecay;
        var expAvg = state.GetOrAddZeros(BufferNames.ExpAvg, parameter);
        var expAvgSq = state.GetOrAddZeros(BufferNames.ExpAvgSq, parameter);
        state.Step++;

        Tensor g;
        if (decoupledWeightDecay)
        {
            g = group.Maximize ? grad.Neg() : grad;
            if (weightDecay != 0)
            {
                parameter.MulInPlace(1 - lr * weightDecay);
            }
        }
        else
        {
            g = DirectionTerms.Gradient(parameter, grad, weightDecay, group.Maximize);
        }

        double biasCorrection1 = 1 - Math.Pow(beta1, state.Step);
        double biasCorrection2 = 1 - Math.Pow(beta2, state.Step);
        double stepSize = lr / biasCorrection1;
        // The common case in one pass over the four tensors, bit-identical to the ops below.
        if (!group.Amsgrad && Tensor.TryFusedAdamStepInPlace(parameter, g, expAvg, expAvgSq, beta1, beta2, biasCorrection2, eps, stepSize))
        {
            return;
        }

        // m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
        expAvg.MulInPlace(beta1).AddInPlace(g, 1 - beta1);
        expAvgSq.MulInPlace(beta2).AddcmulInPlace(g, g, 1 - beta2);

        // AMSGrad normalizes by the largest second moment seen so far rather than the current one.
        Tensor secondMoment = expAvgSq;
        if (group.Amsgrad)
        {
            secondMoment = state.GetOrAddZeros(BufferNames.MaxExpAvgSq, parameter).MaximumInPlace(expAvgSq);
        }
        // θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
        var denominator = secondMoment.Sqrt().DivInPlace(Math.Sqrt(biasCorrection2)).AddInPlace(eps);
        parameter.AddcdivInPlace(expAvg, denominator, -stepSize);
    }
}
