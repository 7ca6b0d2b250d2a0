namespace MiniTorch.Benchmarks.Runner;

/// <summary>Random inputs shared by the training-step cases.</summary>
internal static class BenchData
{
    /// <summary>
    /// <paramref name="batch"/> class indices drawn uniformly from [0, <paramref name="classes"/>) (the baseline's
    /// <c>torch.randint(0, classes, [batch])</c>), as an Int64 tensor, the dtype cross-entropy takes.
    /// </summary>
    public static Tensor RandomLabels(int batch, int classes, Generator generator)
    {
        var labels = new long[batch];
        for (int i = 0; i < batch; i++)
        {
            labels[i] = generator.NextInt(classes);
        }
        return Tensor.FromArray(labels);
    }
}
