using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Lowering;

/// <summary>Reductions, arg-extremes and the softmax family, over the batch dim and others, with and without keepDim.</summary>
public class ReductionExportTests
{
    private static readonly Dictionary<string, (Func<Tensor, Tensor> Function, string OnnxOp)> Ops = new()
    {
        ["SumAll"] = (x => x.Sum(), "ReduceSum"),
        ["SumDim"] = (x => x.Sum(1), "ReduceSum"),
        ["SumDimsKeep"] = (x => x.Sum([1, 2], keepDim: true), "ReduceSum"),
        ["SumBatch"] = (x => x.Sum(0), "ReduceSum"),
        ["MeanAll"] = (x => x.Mean(), "ReduceMean"),
        ["MeanLast"] = (x => x.Mean(-1, keepDim: true), "ReduceMean"),
        ["MaxAll"] = (x => x.Max(), "ReduceMax"),
        ["MinAll"] = (x => x.Min(), "ReduceMin"),
        ["MaxDimValues"] = (x => x.Max(2).Values, "ReduceMax"),
        ["MinDimValuesKeep"] = (x => x.Min(1, keepDim: true).Values, "ReduceMin"),
        ["ArgMax"] = (x => x.ArgMax(2), "ArgMax"),
        ["ArgMinKeep"] = (x => x.ArgMin(1, keepDim: true), "ArgMin"),
        ["LogSumExp"] = (x => x.LogSumExp(2), "ReduceLogSumExp"),
        ["LogSumExpKeep"] = (x => x.LogSumExp([1, 2], keepDim: true), "ReduceLogSumExp"),
        ["Softmax"] = (x => x.Softmax(-1), "Softmax"),
        ["SoftmaxMiddle"] = (x => x.Softmax(1), "Softmax"),
        ["LogSoftmax"] = (x => x.LogSoftmax(2), "LogSoftmax"),
        ["Var"] = (x => x.Var(2), "ReduceMean"),
        ["StdPopulation"] = (x => x.Std([1, 2], correction: 0), "Sqrt"),
        ["Norm"] = (x => x.Norm(dims: [2]), "ReduceL2"),
        ["NormL1"] = (x => x.Norm(1, dims: [1, 2]), "ReduceSum"),
        ["NormL3"] = (x => x.Norm(3, dims: [2], keepDim: true), "Pow"),
        ["NormInfinity"] = (x => x.Norm(double.PositiveInfinity, dims: [2]), "ReduceMax"),
    };

    public static TheoryData<string> Names => [.. Ops.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void ExportsAndMatchesOnnxRuntime(string name)
    {
        var (function, onnxOp) = Ops[name];
        var model = RoundTrip.Check(function, b => RoundTrip.Randn(b, b, 4, 5));
        Assert.Contains(onnxOp, RoundTrip.OpTypes(model));
    }

    [Fact]
    public void MaxAlongADimExportsValuesAndIndices()
    {
        Func<Tensor[], Tensor[]> f = xs => { var (values, indices) = xs[0].Max(1); return [values, indices]; };
        var model = OnnxExporter.Export(f, [RoundTrip.Randn(1, 3, 6)]);
        Assert.Equal(["output_0", "output_1"], model.OutputNames);
        var report = OnnxCheck.AssertClose(model, f, [RoundTrip.Randn(2, 5, 6)]);
        Assert.Equal(0, report.Outputs[1].MaxAbsoluteError); // indices are exact
    }

    [Fact]
    public void ArgMaxTakesTheFirstOfTiedValuesAsMiniTorchDoes()
    {
        var model = OnnxExporter.Export(x => x.ArgMax(1), RoundTrip.Randn(3, 2, 4));
        var ties = Tensor.FromArray(new float[,] { { 1, 3, 3, 0 }, { 2, 2, 2, 2 } });
        var report = OnnxCheck.Compare(model, xs => [xs[0].ArgMax(1)], ties);
        Assert.Equal(0, report.MaxAbsoluteError);
    }
}
