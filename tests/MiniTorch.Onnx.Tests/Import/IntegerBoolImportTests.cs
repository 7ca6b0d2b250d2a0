using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Import;

/// <summary>
/// ONNX graphs with int64 and bool values imported (#13): indices, masks, comparisons, logical ops and Where run, and
/// the graph's int64/bool outputs come back as Int64 and Bool tensors, equal to MiniTorch's and to ONNX Runtime's.
/// </summary>
public class IntegerBoolImportTests
{
    [Fact]
    public void Int64AndBoolOutputsKeepTheirDTypes()
    {
        Func<Tensor[], Tensor[]> f = xs =>
        [
            xs[0].ArgMax(1), xs[0].Gt(0.2), Tensor.Where(Tensor.LogicalAnd(xs[0].Gt(-0.5), !xs[0].Ge(0.5)), xs[0], -xs[0]),
            Tensor.LogicalXor(xs[0].Lt(0), xs[0].Eq(xs[0])), xs[0].Gather(1, xs[0].ArgMin(1, keepDim: true)), xs[0].To(DType.Int64),
        ];
        var model = OnnxExporter.Export(f, [RoundTrip.Randn(1, 2, 5)]);
        var imported = OnnxImporter.Import(model);
        foreach (int batch in new[] { 2, 5 })
        {
            var x = RoundTrip.Randn(10 + batch, batch, 5) * 2;
            var expected = f([x]);
            var actual = imported.Run(x);
            Assert.Equal([DType.Int64, DType.Bool, DType.Float32, DType.Bool, DType.Float32, DType.Int64], actual.Select(t => t.DType));
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k].Shape, actual[k].Shape);
                Assert.Equal(expected[k].ToDoubleArray(), actual[k].ToDoubleArray());
            }
            var report = OnnxCheck.Compare(imported, model.Proto, x);
            Assert.True(report.IsWithin(0, 0), report.Describe(0, 0));
        }
    }

    [Fact]
    public void Int64IndicesAndBoolMasksAsGraphInputs()
    {
        var table = RoundTrip.Randn(3, 7, 4);
        Func<Tensor[], Tensor[]> f = xs => [Tensor.Where(xs[1], table.IndexSelect(0, xs[0]), 0.0), xs[1].LogicalNot().Sum(1)];
        var ids = Tensor.FromArray([6L, 0, 2], [3]);
        var mask = Tensor.FromArray([true, false, true, true, false, false, true, true, false, true, false, true], [3, 4]);
        var model = OnnxExporter.Export(f, [ids, mask], new OnnxExportOptions { DynamicBatch = false });
        var imported = OnnxImporter.Import(model);
        var ids2 = Tensor.FromArray([1L, 5, 6], [3]);
        var mask2 = Tensor.FromArray([false, true, true, false, true, true, false, false, true, true, true, false], [3, 4]);
        var actual = imported.Run(ids2, mask2);
        var expected = f([ids2, mask2]);
        Assert.Equal(DType.Float32, actual[0].DType);
        Assert.Equal(DType.Int64, actual[1].DType);
        Assert.Equal([2L, 2, 1], actual[1].ToArray<long>()); // false counts of mask2's rows
        Assert.Equal(expected[0].ToArray<float>(), actual[0].ToArray<float>());
        Assert.Equal(expected[1].ToArray<long>(), actual[1].ToArray<long>());
    }

    [Fact]
    public void IntegerOpsTheExporterWritesImportBack()
    {
        // Mod (both modes), Round, CumSum, TopK, NonZero and the bitwise ops, as the exporter writes them.
        Func<Tensor[], Tensor[]> f = xs =>
        [
            Tensor.FloorDivide(xs[0], xs[1]), xs[0] % xs[1], xs[0].Cumsum(1), xs[0] & xs[1], ~xs[0] ^ xs[1], xs[0].Nonzero(),
            Tensor.FloorDivide(xs[2], 0.75), xs[2] % -0.75, xs[2].TopK(2, 1).Values, xs[2].Sort(1, descending: true).Indices,
        ];
        var a = Tensor.FromArray([-7L, 7, -7, 7, 5, -5, 0, 9], [2, 4]);
        var b = Tensor.FromArray([2L, 2, -2, -2, 3, 3, 4, -4], [2, 4]);
        var x = RoundTrip.Randn(4, 2, 4) * 3;
        var model = OnnxExporter.Export(f, [a, b, x], new OnnxExportOptions { DynamicBatch = false });
        var ops = RoundTrip.OpTypes(model);
        Assert.True(new[] { "Mod", "Round", "CumSum", "BitwiseAnd", "BitwiseNot", "BitwiseXor", "NonZero", "TopK" }.All(ops.Contains), string.Join(", ", ops));
        var imported = OnnxImporter.Import(model);
        var actual = imported.Run(a, b, x);
        var expected = f([a, b, x]);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k].DType, actual[k].DType);
            Assert.Equal(expected[k].Shape, actual[k].Shape);
            Assert.Equal(expected[k].ToDoubleArray(), actual[k].ToDoubleArray());
        }
        // Python's values for the integer pair: -7 // 2 == -4, 7 % -2 == -1, 9 % -4 == -3.
        Assert.Equal([-4L, 3, 3, -4, 1, -2, 0, -3], actual[0].ToArray<long>());
        Assert.Equal([1L, 1, -1, -1, 2, 1, 0, -3], actual[1].ToArray<long>());
    }
}
