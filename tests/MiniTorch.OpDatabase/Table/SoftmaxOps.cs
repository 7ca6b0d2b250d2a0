using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>Softmax, LogSoftmax and LogSumExp, including values far from 0 (the max-subtraction paths).</summary>
internal static class SoftmaxOps
{
    public static IEnumerable<OpInfo> All() =>
    [
        new()
        {
            Name = "Softmax", Api = ["Tensor.Softmax"], GoldenKey = "softmax", Onnx = OnnxSupport.Export("Softmax", "Softmax"),
            Call = One((x, a) => x[0].Softmax(a.Int("dim"))),
            Samples =
            [
                Sample(Randn(3, 4)).With(Dim(0)).Golden("softmax_dim_0"),
                Sample(Randn(5)).With(Dim(0)).Golden("softmax_1d"),
                Sample(Randn(3, 4)).With(Dim(-1)).Golden("softmax_dim_negative_1"),
                Sample(Randn(2, 3, 4)).With(Dim(1)).Golden("softmax_3d_dim_1"),
                Sample(RandnScaled(50.0, 1000.0, 2, 4)).With(Dim(-1)).Golden("softmax_large_values"),
                Sample(U(2, 3)).With(Dim(-1)),
                Sample(Transposed(3, 2)).With(Dim(0)),
                Sample(Randn(3, 5)).With(Dim(1)).Onnx(),
            ],
        },
        new()
        {
            Name = "LogSoftmax", Api = ["Tensor.LogSoftmax"], GoldenKey = "log_softmax", Onnx = OnnxSupport.Export("LogSoftmax", "LogSoftmax"),
            Call = One((x, a) => x[0].LogSoftmax(a.Int("dim"))),
            Samples =
            [
                Sample(Randn(3, 4)).With(Dim(0)).Golden("log_softmax_dim_0"),
                Sample(Randn(3, 4)).With(Dim(-1)).Golden("log_softmax_dim_negative_1"),
                Sample(Randn(2, 3, 4)).With(Dim(-2)).Golden("log_softmax_3d_dim_negative_2"),
                Sample(RandnScaled(50.0, -1000.0, 2, 4)).With(Dim(1)).Golden("log_softmax_large_values"),
                Sample(U(2, 3)).With(Dim(1)),
                Sample(Sliced(2, 4)).With(Dim(0)),
                Sample(Randn(3, 5)).With(Dim(-1)).Onnx(),
            ],
        },
        new()
        {
            Name = "LogSumExp", Api = ["Tensor.LogSumExp"], GoldenKey = "logsumexp", Onnx = OnnxSupport.Export("LogSumExp", "ReduceLogSumExp"),
            // One dim through the int overload, several through the int[] overload.
            Call = One((x, a) => a.Ints("dims") is [int dim] ? x[0].LogSumExp(dim, a.Bool("keepdim")) : x[0].LogSumExp(a.Ints("dims"), a.Bool("keepdim"))),
            Samples =
            [
                Sample(Randn(3, 4)).With(Dims([1], false)).Golden("logsumexp_dim_1"),
                Sample(Randn(3, 4)).With(Dims([0], true)).Golden("logsumexp_dim_0_keepdim"),
                Sample(Randn(2, 3, 4)).With(Dims([0, 2], false)).Golden("logsumexp_dims_0_2"),
                Sample(RandnScaled(30.0, 1000.0, 3, 4)).With(Dims([-1], false)).Golden("logsumexp_large_values"),
                Sample(RandnScaled(30.0, -1000.0, 3, 4)).With(Dims([0], true)).Golden("logsumexp_large_negative_values"),
                Sample(U(2, 3)).With(Dims([1], false)),
                Sample(Transposed(2, 3)).With(Dims([0, 1], true)),
                Sample(Randn(3, 5)).With(Dims([1], true)).Onnx(),
            ],
        },
    ];

    private static OpArgs Dim(int dim) => Args(("dim", dim));

    private static OpArgs Dims(int[] dims, bool keepDim) => Args(("dims", dims), ("keepdim", keepDim));
}
