namespace MiniTorch.Onnx;

// Reductions (axes an attribute, then an input: ReduceSum from opset 13, the others from 18), arg-extremes and the
// softmax family (before opset 13 over the input flattened to 2-D at `axis`, from 13 over the one `axis`).
internal static partial class ImportOps
{
    private static void AddReductions(Dictionary<string, OnnxOpImporter> table)
    {
        table["ReduceSum"] = Reduce(13, (x, dims, keep) => x.Sum(dims, keep));
        table["ReduceMean"] = Reduce(18, (x, dims, keep) => x.Mean(dims, keep));
        table["ReduceMax"] = Reduce(18, (x, dims, keep) => Extreme(x, dims, keep, max: true));
        table["ReduceMin"] = Reduce(18, (x, dims, keep) => Extreme(x, dims, keep, max: false));
        table["ReduceLogSumExp"] = Reduce(18, (x, dims, keep) => x.LogSumExp(dims, keep));
        table["ArgMax"] = ArgExtreme(max: true);
        table["ArgMin"] = ArgExtreme(max: false);
        table["Softmax"] = SoftmaxFamily((x, dim) => x.Softmax(dim));
        table["LogSoftmax"] = SoftmaxFamily((x, dim) => x.LogSoftmax(dim));
    }

    private static OnnxOpImporter Reduce(long axesInputFrom, Func<Tensor, int[], bool, Tensor> f) => c =>
    {
        bool asInput = c.Opset >= axesInputFrom;
        if (asInput)
        {
            c.OnlyAttributes("keepdims", "noop_with_empty_axes");
        }
        else
        {
            c.OnlyAttributes("keepdims", "axes");
        }
        bool keep = c.Int("keepdims", 1) != 0;
        bool noopWhenEmpty = c.Int("noop_with_empty_axes", 0) != 0;
        var attributeAxes = asInput ? null : c.Ints("axes");
        return (x, _) =>
        {
            var input = Data(x[0]);
            var axes = asInput ? (x.Length > 1 && x[1] is { } a ? a.ToInt64s() : null) : attributeAxes;
            if (axes is null || axes.Length == 0)
            {
                if (noopWhenEmpty)
                {
                    return One(x[0]!.Value);
                }
                axes = [.. Enumerable.Range(0, input.Rank).Select(d => (long)d)];
            }
            if (input.Rank == 0)
            {
                return One(x[0]!.Value);
            }
            var dims = axes.Select(v => Axis(v, input.Rank)).Distinct().ToArray();
            return One(Like(x[0]!.Value, f(input, dims, keep)));
        };
    };

    private static Tensor Extreme(Tensor x, int[] dims, bool keep, bool max)
    {
        var y = x;
        foreach (int d in dims.OrderDescending())
        {
            y = max ? y.Max(d, keepDim: true).Values : y.Min(d, keepDim: true).Values;
        }
        if (!keep)
        {
            foreach (int d in dims.OrderDescending())
            {
                y = y.Squeeze(d);
            }
        }
        return y;
    }

    private static OnnxOpImporter ArgExtreme(bool max) => c =>
    {
        c.OnlyAttributes("axis", "keepdims", "select_last_index");
        if (c.Int("select_last_index", 0) != 0)
        {
            throw c.Unsupported("select_last_index=1 is not supported (MiniTorch returns the first extreme)");
        }
        long axis = c.Int("axis", 0);
        bool keep = c.Int("keepdims", 1) != 0;
        return (x, _) =>
        {
            var input = Data(x[0]);
            int dim = Axis(axis, input.Rank);
            var indices = max ? input.ArgMax(dim, keep) : input.ArgMin(dim, keep);
            return One(new ImportedValue(indices.To(DType.Float64), OnnxElement.Int64));
        };
    };

    private static OnnxOpImporter SoftmaxFamily(Func<Tensor, int, Tensor> f) => c =>
    {
        c.OnlyAttributes("axis");
        bool coerced = c.Opset < 13;
        long axis = c.Int("axis", coerced ? 1 : -1);
        return (x, _) =>
        {
            var input = Data(x[0]);
            int dim = Axis(axis, input.Rank);
            if (!coerced || dim == input.Rank - 1)
            {
                return One(Like(x[0]!.Value, f(input, dim)));
            }
            // Opsets < 13: the input is viewed as 2-D, [prod(shape[..axis]), prod(shape[axis..])], and normalised per row.
            int outer = 1;
            for (int d = 0; d < dim; d++)
            {
                outer *= input.Size(d);
            }
            var rows = input.Reshape(outer, -1);
            return One(Like(x[0]!.Value, f(rows, 1).Reshape(input.Shape)));
        };
    };
}
