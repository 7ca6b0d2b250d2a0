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
}
