using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// The distinct elements of this tensor (flattened) in ascending order, as PyTorch's <c>torch.unique</c> with no dim:
    /// <c>Values</c> has this tensor's dtype; <c>Inverse</c> (when <paramref name="returnInverse"/>) is Int64 of this
    /// tensor's shape, each element's position in Values; <c>Counts</c> (when <paramref name="returnCounts"/>) is Int64,
    /// how often each value occurs. The outputs not asked for are null. MiniTorch always sorts: PyTorch allows any order
    /// when <paramref name="sorted"/> is false. Not differentiable.
    /// </summary>
    public (Tensor Values, Tensor? Inverse, Tensor? Counts) Unique(bool sorted = true, bool returnInverse = false, bool returnCounts = false)
    {
        _ = sorted; // always sorted, which the unsorted form allows
        var flat = Rank == 1 ? this : Reshape(-1);
        long[] order = Numel == 0 ? [] : SortKernel.Order("Unique", flat, 0, Numel, descending: false).ToArray<long>();
        var sortedValues = Numel == 0 ? flat.Detach() : flat.Detach().Gather(0, Wrap(order, [order.Length]));
        var equalToPrevious = EqualToPrevious(sortedValues);
        int distinct = 0;
        var firstOfRun = new long[order.Length];
        var inverse = new long[order.Length];
        var counts = new List<long>();
        for (int i = 0; i < order.Length; i++)
        {
            if (i == 0 || !equalToPrevious[i])
            {
                firstOfRun[distinct++] = i;
                counts.Add(0);
            }
            counts[^1]++;
            inverse[order[i]] = distinct - 1;
        }
        var values = sortedValues.Gather(0, Wrap(firstOfRun[..distinct], [distinct]));
        var inverseTensor = returnInverse ? Wrap(inverse, _shape.AsSpan().ToArray()) : null;
        var countsTensor = returnCounts ? Wrap(counts.ToArray(), [distinct]) : null;
        UniqueDefinition.Record(values, [this], (returnInverse, returnCounts));
        return (values, inverseTensor, countsTensor);
    }

    // Traced only: no gradient (PyTorch's unique has none either).
    private static readonly OpDefinition<(bool ReturnInverse, bool ReturnCounts)> UniqueDefinition = new("Unique")
    {
        Attributes = static a => new OpAttributes { { "returnInverse", a.ReturnInverse }, { "returnCounts", a.ReturnCounts } },
    };

    /// <summary>For each element of the 1-D sorted <paramref name="values"/>, whether it equals the one before it (NaNs are all distinct, as in PyTorch).</summary>
    private static bool[] EqualToPrevious(Tensor values)
    {
        int n = values.Numel;
        var result = new bool[n];
        switch (values.DType)
        {
            case DType.Float32: MarkRepeats<float>(values, result); break;
            case DType.Float64: MarkRepeats<double>(values, result); break;
            case DType.Int64: MarkRepeats<long>(values, result); break;
            case DType.Int32: MarkRepeats<int>(values, result); break;
            case DType.UInt8: MarkRepeats<byte>(values, result); break;
            case DType.Bool:
                var flags = new bool[n];
                values.CopyRowMajor(flags);
                for (int i = 1; i < n; i++)
                {
                    result[i] = flags[i] == flags[i - 1];
                }
                break;
            default: MarkRepeats<Half>(values, result); break;
        }
        return result;
    }

    private static void MarkRepeats<T>(Tensor values, bool[] result) where T : unmanaged, System.Numerics.INumber<T>
    {
        var v = new T[values.Numel];
        values.CopyRowMajor(v);
        for (int i = 1; i < v.Length; i++)
        {
            result[i] = v[i] == v[i - 1];
        }
    }

    /// <summary>
    /// How often each value 0, 1, … occurs in this 1-D tensor of non-negative integers (PyTorch's <c>torch.bincount</c>),
    /// as Int64; with <paramref name="weights"/> (floating, this tensor's length) each occurrence adds its weight instead,
    /// in the weights' dtype (float64 for integer weights, as PyTorch). The result has max(max value + 1, <paramref name="minlength"/>) elements. Not differentiable.
    /// </summary>
    public Tensor Bincount(Tensor? weights = null, int minlength = 0)
    {
        if (Rank != 1 || !DType.IsIntegral())
        {
            // PyTorch's words.
            throw new ArgumentException($"Bincount: bincount only supports 1-d non-negative integral inputs (got {DType.TorchName()} of shape {Shapes.Format(_shape)}).");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(minlength);
        long[] values = DType is DType.Int64 or DType.Int32 ? IndexArray("Bincount", allowInt32: true) : ReadBytes();
        long max = -1;
        foreach (long v in values)
        {
            if (v < 0)
            {
                throw new ArgumentException($"Bincount: bincount only supports 1-d non-negative integral inputs (got the value {v}).");
            }
            max = Math.Max(max, v);
        }
        int length = (int)Math.Max(max + 1, minlength);
        if (weights is null)
        {
            var counts = new long[length];
            foreach (long v in values)
            {
                counts[v]++;
            }
            return BincountDefinition.Record(Wrap(counts, [length]), [this, null], minlength);
        }
        if (weights.Rank != 1 || weights.Numel != Numel || weights.DType == DType.Bool)
        {
            throw new ArgumentException($"Bincount: weights must be a numeric 1-d tensor of the input's length {Numel}, got {weights.DType} ('{weights.DType.ScalarTypeName()}') of shape {Shapes.Format(weights._shape)}.");
        }
        var w = weights.DType is DType.Int64 or DType.Int32
            ? Array.ConvertAll(weights.IndexArray("Bincount", allowInt32: true), static v => (double)v)
            : weights.Detach().To(DType.Float64).ToDoubleArray();
        var sums = new double[length];
        for (int i = 0; i < values.Length; i++)
        {
            sums[values[i]] += w[i];
        }
        var result = Wrap(sums, [length]);
        bool keepsDType = weights.DType is DType.Float32 or DType.Float16 or DType.BFloat16;
        return BincountDefinition.Record(keepsDType ? result.To(weights.DType) : result, [this, weights], minlength);
    }

    // Traced only: no gradient.
    private static readonly OpDefinition<int> BincountDefinition = new("Bincount")
    {
        Attributes = static minlength => new OpAttributes { { "minlength", minlength } },
    };

    private long[] ReadBytes()
    {
        var bytes = new byte[Numel];
        CopyRowMajor(bytes);
        return Array.ConvertAll(bytes, static b => (long)b);
    }
}
