using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Import;

/// <summary>
/// Functions using the ops MiniTorch's exporter lowers (elementwise, comparisons and Where, indexing, reductions,
/// shapes, Col2Im) exported, imported back and run: equal to the original function and to ONNX Runtime.
/// </summary>
public class ExportedOpsImportTests
{
    private static void CheckFunction(Func<Tensor, Tensor> function, Func<int, Tensor> input)
    {
        var onnx = OnnxExporter.Export(function, input(2));
        var imported = OnnxImporter.Import(onnx);
        foreach (int batch in new[] { 2, 4 })
        {
            var x = input(batch);
            using (Autograd.NoGrad())
            {
                var expected = function(x).ToArray<float>();
                var actual = imported.Call(x).ToArray<float>();
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"element {i}: {expected[i]} vs {actual[i]}");
                }
            }
            var report = OnnxCheck.Compare(imported, onnx.Proto, x);
            Assert.True(report.IsWithin(1e-4, 1e-4), report.Describe(1e-4, 1e-4));
        }
    }

    [Fact]
    public void ElementwiseMathComparisonsAndWhere() => CheckFunction(
        x => Tensor.Where(x.Gt(0.1), (x * 2 + 1).Exp().Log() - x.Abs().Sqrt(), Tensor.Maximum(x.Sin(), x.Cos()) / (x.Square() + 1))
            + x.Clamp(-0.5, 0.5).Pow(2.0) + x.Erf() + x.Sign() * x.Ne(0.3) - x.LeakyRelu(0.1),
        b => RoundTrip.Randn(b, b, 6));

    [Fact]
    public void ReductionsSoftmaxAndArgMax() => CheckFunction(
        x => x.Softmax(1) + x.LogSoftmax(1) + x.Sum(1, keepDim: true) + x.Mean(1, keepDim: true) + x.LogSumExp(1, keepDim: true)
            + x.Max(1, keepDim: true).Values + x.ArgMax(1, keepDim: true).To(x.DType), // the Int64 index as a value
        b => RoundTrip.Randn(b + 1, b, 5));

    [Fact]
    public void ShapesAndIndexing() => CheckFunction(
        x =>
        {
            var picked = x.IndexSelect(1, Tensor.IndexTensor(3, 0, 2));
            var gathered = x.Gather(1, x.Narrow(1, 0, 3).ArgMax(1, keepDim: true).Expand(-1, 3)); // a batch-sized Int64 index from the input
            var joined = Tensor.Cat([picked, gathered, x.Narrow(1, 1, 2)], 1);
            return joined.Reshape(x.Size(0), 2, 4).Transpose(1, 2).Permute(0, 2, 1).Flatten(1);
        },
        b => RoundTrip.Randn(b + 2, b, 5));

    [Fact]
    public void Col2ImFoldsColumnsBackIntoAnImage() => CheckFunction(
        c => c.Col2Im((5, 5), (2, 2), stride: (1, 1), padding: (1, 1)),
        b => RoundTrip.Randn(b + 3, b, 8, 36));
}
