namespace MiniTorch.Onnx;

// The operators MiniTorch's exporter writes for integer and bool ops (#13): Mod (both fmod modes), Round, CumSum,
// TopK, NonZero and the bitwise ops. Integers run as the importer holds them (whole float64 values, exact to 2⁵³);
// the bitwise ops compute in Int64.
internal static partial class ImportOps
{
    private static void AddInteger(Dictionary<string, OnnxOpImporter> table)
    {
        table["Mod"] = c =>
        {
            c.OnlyAttributes("fmod");
            bool fmod = c.Int("fmod", 0) != 0;
            return (x, _) =>
            {
                var a = Data(x[0]);
                var b = Data(x[1]);
                // Remainder has the divisor's sign (fmod = 0); C's fmod has the dividend's: r − b where they differ.
                var r = Tensor.Remainder(a, b);
                var result = fmod ? Tensor.Where(Tensor.LogicalAnd(r.Ne(0), Tensor.LogicalXor(r.Lt(0), a.Lt(0))), r - b, r) : r;
                return One(Like(x[0]!.Value, result));
            };
        };
        table["Round"] = c =>
        {
            c.OnlyAttributes();
            return (x, _) =>
            {
                // Half to even, as ONNX's Round; piecewise constant, so it carries no gradient.
                var data = Data(x[0]);
                var values = data.ToDoubleArray();
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = Math.Round(values[i], MidpointRounding.ToEven);
                }
                return One(Like(x[0]!.Value, Tensor.FromArray(values, data.Shape).To(data.DType)));
            };
        };
        table["CumSum"] = c =>
        {
            c.OnlyAttributes("exclusive", "reverse");
            if (c.Int("exclusive", 0) != 0 || c.Int("reverse", 0) != 0)
            {
                throw c.Unsupported("exclusive=1 and reverse=1 are not supported (MiniTorch's Cumsum is inclusive and forward)");
            }
            return (x, _) =>
            {
                var data = Data(x[0]);
                return One(Like(x[0]!.Value, data.Cumsum(Axis(x[1]!.Value.ToInt64s()[0], data.Rank))));
            };
        };
        table["TopK"] = c =>
        {
            c.OnlyAttributes("axis", "largest", "sorted");
            long axis = c.Int("axis", -1);
            bool largest = c.Int("largest", 1) != 0;
            return (x, _) =>
            {
                var data = Data(x[0]);
                int dim = Axis(axis, data.Rank);
                var (values, indices) = data.TopK(checked((int)x[1]!.Value.ToInt64s()[0]), dim, largest);
                return [Like(x[0]!.Value, values), new ImportedValue(indices.To(DType.Float64), OnnxElement.Int64)];
            };
        };
        table["NonZero"] = c =>
        {
            c.OnlyAttributes();
            // ONNX's layout is [rank, count], torch.nonzero's [count, rank].
            return (x, _) => One(new ImportedValue(Data(x[0]).Nonzero().Transpose(0, 1).To(DType.Float64), OnnxElement.Int64));
        };
        foreach (var (op, bitwise) in new (string, Func<Tensor, Tensor, Tensor>)[] { ("BitwiseAnd", Tensor.BitwiseAnd), ("BitwiseOr", Tensor.BitwiseOr), ("BitwiseXor", Tensor.BitwiseXor) })
        {
            table[op] = c =>
            {
                c.OnlyAttributes();
                return (x, _) => One(Like(x[0]!.Value, bitwise(Data(x[0]).To(DType.Int64), Data(x[1]).To(DType.Int64)).To(DType.Float64)));
            };
        }
        table["BitwiseNot"] = c =>
        {
            c.OnlyAttributes();
            return (x, _) => One(Like(x[0]!.Value, Data(x[0]).To(DType.Int64).BitwiseNot().To(DType.Float64)));
        };
    }
}
