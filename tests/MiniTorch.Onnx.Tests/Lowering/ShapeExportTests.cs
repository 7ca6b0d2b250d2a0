using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Lowering;

/// <summary>Views, reshapes, slicing, concatenation, copies and matrix products, on inputs of shape (B, 4, 6).</summary>
public class ShapeExportTests
{
    private static readonly Tensor Weight = RoundTrip.Randn(200, 6, 3);
    private static readonly Tensor Batched = RoundTrip.Randn(201, 4, 6, 2);

    private static readonly Dictionary<string, (Func<Tensor, Tensor> Function, string OnnxOp)> Ops = new()
    {
        ["ViewKeepsBatch"] = (x => x.View(-1, 24), "Reshape"),
        ["ReshapeSplitsDims"] = (x => x.Reshape(-1, 2, 2, 6), "Reshape"),
        ["ReshapeFoldsBatch"] = (x => x.Reshape(-1, 6), "Reshape"),
        ["FlattenAll"] = (x => x.Flatten(), "Reshape"),
        ["FlattenInner"] = (x => x.Flatten(1), "Reshape"),
        ["Transpose"] = (x => x.Transpose(1, 2), "Transpose"),
        ["TransposeBatch"] = (x => x.Transpose(0, 2) * 1, "Transpose"),
        ["Permute"] = (x => x.Permute(2, 0, 1), "Transpose"),
        ["Unsqueeze"] = (x => x.Unsqueeze(1), "Reshape"),
        ["SqueezeDim"] = (x => x.Unsqueeze(2).Squeeze(2) + 1, "Reshape"),
        ["Expand"] = (x => x.Unsqueeze(1).Expand(-1, 3, 4, 6), "Expand"),
        ["ExpandAs"] = (x => x.Sum(2, keepDim: true).ExpandAs(x), "Expand"),
        ["Narrow"] = (x => x.Narrow(2, 1, 3), "Slice"),
        ["NarrowBatch"] = (x => x.Narrow(0, 0, 1), "Slice"),
        ["Index"] = (x => x[.., 1.., ^1], "Slice"),
        ["Select"] = (x => x.Select(1, 2), "Slice"),
        ["Cat"] = (x => Tensor.Cat([x, x * 2], 2), "Concat"),
        ["CatBatch"] = (x => Tensor.Cat([x, x.Exp()], 0), "Concat"),
        ["Stack"] = (x => Tensor.Stack([x, x.Relu()], 1), "Concat"),
        ["Clone"] = (x => x.Clone(), "Identity"),
        ["ContiguousOfTranspose"] = (x => x.Transpose(1, 2).Contiguous(), "Transpose"),
        ["Detach"] = (x => x.Detach() + 1, "Identity"),
        ["ToFloat64AndBack"] = (x => (x.To(DType.Float64) * 3).To(DType.Float32), "Cast"),
        ["MatmulWeight"] = (x => Tensor.Matmul(x, Weight), "MatMul"),
        ["MatmulBroadcastsBatches"] = (x => Tensor.Matmul(x.Unsqueeze(1), Batched), "MatMul"),
        ["MatmulSelf"] = (x => Tensor.Matmul(x, x.Transpose(1, 2)), "MatMul"),
        ["MatmulVector"] = (x => Tensor.Matmul(x, Weight.Select(1, 0)), "MatMul"),
        ["Mm"] = (x => Tensor.Mm(x.Reshape(-1, 6), Weight), "MatMul"),
        ["Bmm"] = (x => Tensor.Bmm(x, x.Transpose(1, 2)), "MatMul"),
    };

    public static TheoryData<string> Names => [.. Ops.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void ExportsAndMatchesOnnxRuntime(string name)
    {
        var (function, onnxOp) = Ops[name];
        var model = RoundTrip.Check(function, b => RoundTrip.Randn(b, b, 4, 6));
        Assert.Contains(onnxOp, RoundTrip.OpTypes(model));
    }

    [Fact]
    public void DotOfTwoVectorsExportsWithFixedShapes()
    {
        var other = RoundTrip.Randn(5, 6);
        var model = OnnxExporter.Export(x => Tensor.Dot(x, other), RoundTrip.Randn(1, 6), new OnnxExportOptions { DynamicBatch = false });
        OnnxCheck.AssertClose(model, xs => [Tensor.Dot(xs[0], other)], [RoundTrip.Randn(2, 6)]);
        Assert.Contains("MatMul", RoundTrip.OpTypes(model));
    }

    [Fact]
    public void ReshapeWithTheBatchSplitOverTwoDimsIsRefusedWithTheShapes()
    {
        // A (B, B) matrix flattened to B² elements and reshaped back: two dims follow the batch and ONNX's Reshape
        // can infer only one (the shape would need runtime arithmetic).
        Func<Tensor, Tensor> gram = x => Tensor.Matmul(x, x.T).Reshape(-1).Reshape(x.Size(0), x.Size(0));
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(gram, RoundTrip.Randn(1, 3, 4)));
        Assert.Contains("Reshape", error.Message);
        Assert.Contains("follow the batch size", error.Message);
        Assert.Contains("[3, 3]", error.Message);
        var fixedShapes = OnnxExporter.Export(gram, RoundTrip.Randn(1, 3, 4), new OnnxExportOptions { DynamicBatch = false });
        OnnxCheck.AssertClose(fixedShapes, xs => [gram(xs[0])], [RoundTrip.Randn(2, 3, 4)]);
    }
}
