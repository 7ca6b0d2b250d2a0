namespace MiniTorch.Optim;

/// <summary>The names of the per-parameter buffers the built-in optimizers keep (PyTorch's state keys in .NET casing).</summary>
public static class BufferNames
{
    /// <summary>SGD's and RMSprop's momentum buffer (PyTorch's <c>momentum_buffer</c>).</summary>
    public const string MomentumBuffer = nameof(MomentumBuffer);

    /// <summary>Adam's running average of the gradient (<c>exp_avg</c>).</summary>
    public const string ExpAvg = nameof(ExpAvg);

    /// <summary>Adam's running average of the squared gradient (<c>exp_avg_sq</c>).</summary>
    public const string ExpAvgSq = nameof(ExpAvgSq);

    /// <summary>AMSGrad's running maximum of <see cref="ExpAvgSq"/> (<c>max_exp_avg_sq</c>).</summary>
    public const string MaxExpAvgSq = nameof(MaxExpAvgSq);

    /// <summary>RMSprop's running average of the squared gradient (<c>square_avg</c>).</summary>
    public const string SquareAvg = nameof(SquareAvg);

    /// <summary>Centered RMSprop's running average of the gradient (<c>grad_avg</c>).</summary>
    public const string GradAvg = nameof(GradAvg);
}
