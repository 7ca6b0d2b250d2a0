using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>Dot, Mm, Bmm and Matmul (every rank pairing and batch broadcasting).</summary>
internal static class ProductOps
{
    public static IEnumerable<OpInfo> All() =>
    [
        Product("Dot", "dot", Tensor.Dot, "MatMul",
            Sample(Randn(5), Randn(5)).Golden("dot"),
            Sample(U(4), U(4)),
            Sample(Column(4), U(4)),
            Sample(Randn(5), Randn(5)).OnnxFixed()),
        Product("Mm", "mm", Tensor.Mm, "MatMul",
            Sample(Randn(3, 4), Randn(4, 2)).Golden("mm"),
            Sample(Transposed(2, 3), U(3, 2)),
            Sample(Randn(3, 4), Randn(4, 2)).Onnx()),
        Product("Bmm", "bmm", Tensor.Bmm, "MatMul",
            Sample(Randn(2, 3, 4), Randn(2, 4, 5)).Golden("bmm"),
            Sample(U(2, 2, 3), U(2, 3, 2)),
            Sample(Randn(2, 3, 4), Randn(2, 4, 5)).OnnxFixed()),
        Product("Matmul", "matmul", Tensor.Matmul, "MatMul",
            Sample(Randn(4), Randn(4)).Golden("matmul_1d_1d"),
            Sample(Randn(4), Randn(4, 3)).Golden("matmul_1d_2d"),
            Sample(Randn(3, 4), Randn(4)).Golden("matmul_2d_1d"),
            Sample(Randn(3, 4), Randn(4, 2)).Golden("matmul_2d_2d"),
            Sample(Randn(2, 3, 4), Randn(4, 5)).Golden("matmul_3d_2d"),
            Sample(Randn(3, 4), Randn(2, 4, 5)).Golden("matmul_2d_3d"),
            Sample(Randn(2, 3, 4), Randn(4)).Golden("matmul_3d_1d"),
            Sample(Randn(4), Randn(2, 4, 5)).Golden("matmul_1d_3d"),
            Sample(Randn(2, 3, 4), Randn(2, 4, 2)).Golden("matmul_3d_3d"),
            Sample(Randn(2, 1, 3, 4), Randn(5, 4, 2)).Golden("matmul_batch_broadcast_2x1x3x4_5x4x2"),
            Sample(Randn(1, 3, 4), Randn(2, 4, 2)).Golden("matmul_batch_broadcast_1x3x4_2x4x2"),
            Sample(Randn(2, 3, 4), Randn(4, 2)).Grad(true, false).Golden("matmul_second_input_constant"),
            Sample(U(2, 1, 2, 3), U(3, 3, 2)),
            Sample(U(2, 2, 3), Sliced(3, 2)),
            Sample(U(3), U(3, 2)),
            Sample(Transposed(2, 3), U(3)),
            Sample(Randn(3, 2, 4), Randn(4, 5)).Onnx()),
    ];

    private static OpInfo Product(string name, string goldenKey, Func<Tensor, Tensor, Tensor> f, string onnxOp, params OpSample[] samples) => new()
    {
        Name = name, Api = [$"Tensor.{name}"], GoldenKey = goldenKey, Samples = samples,
        Call = One(x => f(x[0], x[1])),
        Onnx = OnnxSupport.Export("Matmul", onnxOp),
    };
}
