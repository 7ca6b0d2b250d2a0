namespace MiniTorch.Onnx;

// Shape ops. Shapes, axes and indices arrive as int64 values (constants or computed by Shape); a Reshape target
// that names the graph's fixed batch size in dim 0 follows the actual batch (see OnnxImportOptions.DynamicBatch).
internal static partial class ImportOps
{
    private static void AddShapes(Dictionary<string, OnnxOpImporter> table)
    {
        table["Reshape"] = Reshape;
        table["Flatten"] = c =>
        {
            c.OnlyAttributes("axis");
            long axis = c.Int("axis", 1);
            return (x, _) =>
            {
                var input = Data(x[0]);
                int split = axis < 0 ? (int)axis + input.Rank : (int)axis;
                if (split < 0 || split > input.Rank)
                {
                    throw new ArgumentException($"axis {axis} is out of range for a tensor of rank {input.Rank}.");
                }
                int outer = 1;
                for (int d = 0; d < split; d++)
                {
                    outer *= input.Size(d);
                }
                return One(Like(x[0]!.Value, input.Reshape(outer, outer == 0 ? 0 : input.Numel / Math.Max(outer, 1))));
            };
        };
        table["Transpose"] = c =>
        {
            c.OnlyAttributes("perm");
            var perm = c.Ints("perm");
            return (x, _) =>
            {
                var input = Data(x[0]);
                int[] order = perm is null ? [.. Enumerable.Range(0, input.Rank).Reverse()] : [.. perm.Select(p => Axis(p, input.Rank, "perm entry"))];
                return One(Like(x[0]!.Value, input.Permute(order)));
            };
        };
        table["Concat"] = c =>
        {
            c.OnlyAttributes("axis");
            long axis = c.Int("axis", 0);
            return (x, _) => One(Like(x[0]!.Value, Tensor.Cat([.. x.Select(v => v!.Value.Data)], Axis(axis, Data(x[0]).Rank))));
        };
        table["Split"] = Split;
        table["Squeeze"] = c => Axes(c, "axes", 13, (input, axes) =>
        {
            var dims = axes is null ? [.. Enumerable.Range(0, input.Rank).Where(d => input.Size(d) == 1)] : axes.Select(a => Axis(a, input.Rank)).ToArray();
            var shape = Enumerable.Range(0, input.Rank).Where(d => Array.IndexOf(dims, d) < 0).Select(d => input.Size(d)).ToArray();
            foreach (int d in dims)
            {
                if (input.Size(d) != 1)
                {
                    throw new ArgumentException($"cannot squeeze dim {d} of size {input.Size(d)}.");
                }
            }
            return input.Reshape(shape);
        });
        table["Unsqueeze"] = c => Axes(c, "axes", 13, (input, axes) =>
        {
            if (axes is null)
            {
                throw new ArgumentException("Unsqueeze needs axes.");
            }
            int rank = input.Rank + axes.Length;
            var dims = axes.Select(a => Axis(a, rank)).ToHashSet();
            var shape = new int[rank];
            int next = 0;
            for (int d = 0; d < rank; d++)
            {
                shape[d] = dims.Contains(d) ? 1 : input.Size(next++);
            }
            return input.Reshape(shape);
        });
        table["Slice"] = Slice;
        table["Expand"] = c =>
        {
            c.OnlyAttributes();
            return (x, _) =>
            {
                var input = Data(x[0]);
                var target = x[1]!.Value.ToInt64s();
                int rank = Math.Max(input.Rank, target.Length);
                var shape = new int[rank];
                for (int d = 0; d < rank; d++)
                {
                    int a = d - (rank - input.Rank) >= 0 ? input.Size(d - (rank - input.Rank)) : 1;
                    long b = d - (rank - target.Length) >= 0 ? target[d - (rank - target.Length)] : 1;
                    shape[d] = a == 1 ? checked((int)b) : (b == 1 || b == a ? a : throw new ArgumentException($"cannot expand {OnnxShapes.Format(input.Shape)} to {OnnxShapes.Format(target)}."));
                }
                return One(Like(x[0]!.Value, input.Expand(shape)));
            };
        };
        table["Shape"] = c =>
        {
            // Opset 15 adds start and end.
            c.OnlyAttributes("start", "end");
            long start = c.Int("start", 0);
            long? end = c.HasAttribute("end") ? c.Int("end", 0) : null;
            return (x, _) =>
            {
                var shape = Data(x[0]).Shape;
                int rank = shape.Length;
                int s = (int)Math.Clamp(start < 0 ? start + rank : start, 0, rank);
                int e = (int)Math.Clamp(end is long v ? (v < 0 ? v + rank : v) : rank, 0, rank);
                return One(ImportedValue.Ints([.. shape[s..Math.Max(s, e)].Select(d => (long)d)]));
            };
        };
        table["Gather"] = c =>
        {
            c.OnlyAttributes("axis");
            long axis = c.Int("axis", 0);
            return (x, _) =>
            {
                var data = Data(x[0]);
                int dim = Axis(axis, data.Rank);
                var indices = x[1]!.Value;
                var flat = Normalize(indices.Data.Reshape(-1), data.Size(dim));
                var picked = data.IndexSelect(dim, flat);
                int[] shape = [.. data.Shape[..dim], .. indices.Shape, .. data.Shape[(dim + 1)..]];
                return One(Like(x[0]!.Value, picked.Reshape(shape)));
            };
        };
        table["GatherElements"] = c =>
        {
            c.OnlyAttributes("axis");
            long axis = c.Int("axis", 0);
            return (x, _) =>
            {
                var data = Data(x[0]);
                int dim = Axis(axis, data.Rank);
                return One(Like(x[0]!.Value, data.Gather(dim, Normalize(Data(x[1]), data.Size(dim)))));
            };
        };
        table["ScatterElements"] = c =>
        {
            c.OnlyAttributes("axis", "reduction");
            string reduction = c.String("reduction", "none");
            if (reduction is not ("add" or "none"))
            {
                throw c.Unsupported($"reduction='{reduction}' is not supported (only 'none' and 'add', opset 16+)");
            }
            long axis = c.Int("axis", 0);
            return (x, _) =>
            {
                var data = Data(x[0]);
                int dim = Axis(axis, data.Rank);
                var index = Normalize(Data(x[1]), data.Size(dim));
                return One(Like(x[0]!.Value, reduction == "add" ? data.ScatterAdd(dim, index, Data(x[2])) : data.Scatter(dim, index, Data(x[2]))));
            };
        };
        table["Dropout"] = c =>
        {
            // Imported for inference: the identity. Opsets < 12 give the ratio as an attribute, 12+ as inputs with
            // training_mode, which must not be a constant true.
            c.OnlyAttributes("ratio", "is_test", "seed");
            if (c.Opset >= 12 && c.Constant(2) is { } training && training.Data.Reshape(-1).Item() != 0)
            {
                throw c.Unsupported("training_mode=true is not supported; the imported Dropout is the identity");
            }
            return (x, _) =>
            {
                var input = x[0]!.Value;
                return [input, new ImportedValue(Tensor.OnesLike(input.Data), OnnxElement.Bool)];
            };
        };
    }

    /// <summary>Negative indices count from the end (ONNX); MiniTorch's index ops take non-negative whole numbers.</summary>
    private static Tensor Normalize(Tensor indices, int size)
    {
        // The importer holds ONNX int64 values as float64; MiniTorch's index ops take Int64, with negatives wrapped here.
        var values = indices.ToDoubleArray();
        var wrapped = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < -size || values[i] >= size)
            {
                throw new ArgumentException($"index {values[i]} is out of range for a dim of size {size}.");
            }
            wrapped[i] = (long)(values[i] < 0 ? values[i] + size : values[i]);
        }
        return Tensor.FromArray(wrapped, indices.Shape);
    }

    private static NodeKernel Reshape(NodeImportContext c)
    {
        c.OnlyAttributes("allowzero");
        bool allowZero = c.Int("allowzero", 0) != 0;
        return (x, run) =>
        {
            var input = Data(x[0]);
            var target = x[1]!.Value.ToInt64s();
            var shape = new int[target.Length];
            for (int d = 0; d < shape.Length; d++)
            {
                shape[d] = target[d] == 0 && !allowZero ? input.Size(d) : checked((int)target[d]);
            }
            // A graph exported at a fixed batch writes that batch into its Reshape targets: follow the actual batch.
            bool followed = false;
            if (run.BatchFollowed && shape.Length > 0 && target[0] == run.DeclaredBatch && input.Rank > 0 && input.Size(0) == run.Batch)
            {
                shape[0] = run.Batch;
                followed = true;
            }
            try
            {
                return One(Like(x[0]!.Value, input.Reshape(shape)));
            }
            catch (Exception e) when (followed && e is ArgumentException or InvalidOperationException)
            {
                throw new OnnxImportException($"the graph reshapes to the fixed shape {OnnxShapes.Format(target)}, which does not follow a batch of {run.Batch} (the graph was exported at batch {run.DeclaredBatch}): run it at batch {run.DeclaredBatch} or import with DynamicBatch = false. {e.Message}", e);
            }
        };
    }

    /// <summary>Ops whose axes are an attribute before <paramref name="inputFrom"/> and an optional input from it.</summary>
    private static NodeKernel Axes(NodeImportContext c, string name, long inputFrom, Func<Tensor, long[]?, Tensor> f)
    {
        if (c.Opset < inputFrom)
        {
            c.OnlyAttributes(name);
            var axes = c.Ints(name);
            return (x, _) => One(Like(x[0]!.Value, f(Data(x[0]), axes)));
        }
        c.OnlyAttributes();
        return (x, _) => One(Like(x[0]!.Value, f(Data(x[0]), x.Length > 1 && x[1] is { } a ? a.ToInt64s() : null)));
    }

    private static NodeKernel Split(NodeImportContext c)
    {
        // Opsets < 13: sizes in the `split` attribute; 13+: an optional input; 18+ also num_outputs.
        c.OnlyAttributes("axis", "split", "num_outputs");
        long axis = c.Int("axis", 0);
        long[]? attribute = c.Opset < 13 ? c.Ints("split") : null;
        int count = c.Node.Output.Count;
        return (x, _) =>
        {
            var input = Data(x[0]);
            int dim = Axis(axis, input.Rank);
            int size = input.Size(dim);
            long[] sizes = attribute ?? (x.Length > 1 && x[1] is { } s ? s.ToInt64s() : EqualSplit(size, count));
            if (sizes.Length != count || sizes.Sum() != size)
            {
                throw new ArgumentException($"split sizes [{string.Join(", ", sizes)}] do not divide dim {dim} of size {size} into {count} outputs.");
            }
            var outputs = new ImportedValue[count];
            int start = 0;
            for (int i = 0; i < count; i++)
            {
                outputs[i] = Like(x[0]!.Value, input.Narrow(dim, start, (int)sizes[i]));
                start += (int)sizes[i];
            }
            return outputs;
        };
    }

    /// <summary>Equal parts; the last is smaller when the size does not divide (opset 18's rule).</summary>
    private static long[] EqualSplit(int size, int count)
    {
        long part = (size + count - 1) / count;
        var sizes = new long[count];
        for (int i = 0; i < count; i++)
        {
            sizes[i] = Math.Max(0, Math.Min(part, size - part * i));
        }
        return sizes;
    }

    private static NodeKernel Slice(NodeImportContext c)
    {
        // Opsets < 10: starts/ends/axes attributes; 10+: inputs starts, ends, axes?, steps?.
        long[]? starts = null, ends = null, axes = null;
        if (c.Opset < 10)
        {
            c.OnlyAttributes("starts", "ends", "axes");
            starts = c.Ints("starts");
            ends = c.Ints("ends");
            axes = c.Ints("axes");
        }
        else
        {
            c.OnlyAttributes();
        }
        return (x, _) =>
        {
            var input = Data(x[0]);
            var s = starts ?? x[1]!.Value.ToInt64s();
            var e = ends ?? x[2]!.Value.ToInt64s();
            var a = c.Opset < 10 ? axes : x.Length > 3 && x[3] is { } av ? av.ToInt64s() : null;
            var steps = c.Opset >= 10 && x.Length > 4 && x[4] is { } sv ? sv.ToInt64s() : null;
            var y = input;
            for (int i = 0; i < s.Length; i++)
            {
                int dim = Axis(a is null ? i : a[i], input.Rank);
                long step = steps is null ? 1 : steps[i];
                y = SliceDim(y, dim, s[i], e[i], step);
            }
            return One(Like(x[0]!.Value, y));
        };
    }

    /// <summary>ONNX's slice of one dim: bounds clamped to the dim (to [-1, size-1] for a negative step).</summary>
    private static Tensor SliceDim(Tensor x, int dim, long start, long end, long step)
    {
        if (step == 0)
        {
            throw new ArgumentException("a slice step of 0 is not valid.");
        }
        long size = x.Size(dim);
        start = start < 0 ? start + size : start;
        end = end < 0 ? end + size : end;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, size);
            end = Math.Clamp(end, 0, size);
            if (step == 1)
            {
                return x.Narrow(dim, (int)start, (int)Math.Max(0, end - start));
            }
        }
        else
        {
            start = Math.Clamp(start, -1, size - 1);
            end = Math.Clamp(end, -1, size - 1);
        }
        var picked = new List<int>();
        for (long i = start; step > 0 ? i < end : i > end; i += step)
        {
            picked.Add((int)i);
        }
        return x.IndexSelect(dim, [.. picked]);
    }
}
