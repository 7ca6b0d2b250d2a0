namespace MiniTorch.Distributed;

/// <summary>How a reducing collective combines the ranks' values, element by element (PyTorch's <c>dist.ReduceOp</c>).</summary>
public enum ReduceOp
{
    /// <summary>The sum over ranks (<c>ReduceOp.SUM</c>).</summary>
    Sum,

    /// <summary>The mean over ranks: the sum divided by the world size (<c>ReduceOp.AVG</c>).</summary>
    Avg,

    /// <summary>The largest value (<c>ReduceOp.MAX</c>).</summary>
    Max,

    /// <summary>The smallest value (<c>ReduceOp.MIN</c>).</summary>
    Min,
}
