using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>Convolution (odd sizes, stride, padding, dilation, groups 1 / 2 / C) and pooling (ties, padding, ceil mode).</summary>
internal static class ConvolutionOps
{
    private static readonly double[] Ties =
        [1, 3, 3, 0, 2, 2, 3, 3, 1, 1, 0, 0, 2, 2, 2, 2, 5, 1, 5, 1, 0, 0, 0, 4, 4, 4, 4, 4, 1, 2, 2, 0, 2, 2, 0, 1];

    public static IEnumerable<OpInfo> All() =>
    [
        new()
        {
            Name = "Conv2d", Api = ["Tensor.Conv2d"], GoldenKey = "conv2d", Onnx = OnnxSupport.Export("Conv2d", "Conv"),
            // A missing third input is a convolution without bias.
            Call = One((x, a) => Tensor.Conv2d(x[0], x[1], x.Length > 2 ? x[2] : null, P(a, "stride"), P(a, "padding"), P(a, "dilation"), a.Int("groups"))),
            Samples =
            [
                Conv("conv2d_basic_3x3", [1, 2, 5, 7], [3, 2, 3, 3], true),
                Conv("conv2d_stride2_pad1_batch7", [7, 3, 7, 5], [4, 3, 3, 3], true, stride: [2, 2], padding: [1, 1]),
                Conv("conv2d_dilation2_pad2", [2, 2, 9, 7], [3, 2, 3, 2], true, padding: [2, 1], dilation: [2, 2]),
                Conv("conv2d_groups2_stride_2x1", [7, 4, 6, 5], [6, 2, 3, 3], true, stride: [2, 1], padding: [1, 0], groups: 2),
                Conv("conv2d_depthwise_groups_c", [3, 3, 7, 7], [3, 1, 3, 3], true, stride: [2, 2], padding: [1, 1], groups: 3),
                Conv("conv2d_depthwise_multiplier2_dilation2", [1, 2, 7, 6], [4, 1, 2, 3], false, padding: [1, 2], dilation: [2, 2], groups: 2),
                Conv("conv2d_1x1_no_bias", [2, 3, 3, 5], [4, 3, 1, 1], false),
                Conv("conv2d_1x1_stride2", [1, 4, 5, 5], [2, 4, 1, 1], true, stride: [2, 2]),
                Sample(U(2, 2, 5, 4), U(3, 2, 3, 2), U(3)).With(ConvArgs([2, 1], [1, 1], [1, 1], 1)),
                // The input is a transposed view (last two dims): the kernels read a strided operand.
                Sample(new TransposedLastTwo([1, 4, 4, 5]), U(2, 2, 2, 2)).With(ConvArgs([1, 1], [2, 0], [2, 1], 2)),
                Sample(Values(Enumerable.Repeat(1.0, 27).ToArray(), 1, 3, 3, 3), U(3, 1, 2, 2)).Grad(false, true).With(ConvArgs([1, 1], [0, 0], [1, 1], 3)),
                Sample(Randn(2, 2, 5, 5), Randn(3, 2, 3, 3), Randn(3)).With(ConvArgs([1, 1], [1, 1], [1, 1], 1)).Onnx(),
            ],
        },
        new()
        {
            Name = "Conv2dInference", Api = ["Tensor.Conv2dInference"], Onnx = OnnxSupport.Export(null, "Conv"),
            // A convolution, then an evaluation batch norm with the args' constant statistics and affine values (when the
            // args have them), then ReLU (when "relu"); it records and traces as those ops.
            Call = One((x, a) => Tensor.Conv2dInference(x[0], x[1], x.Length > 2 ? x[2] : null, P(a, "stride"), P(a, "padding"), P(a, "dilation"),
                a.Int("groups"), FrozenBatchNormOf(a, x[0].DType), a.Bool("relu"))),
            Samples =
            [
                Sample(Randn(2, 1, 6, 6), Randn(4, 1, 3, 3), Randn(4)).With(InferenceArgs([1, 1], [1, 1], [1, 1], 1, 4, batchNorm: true, relu: true)),
                Sample(U(3, 4, 7, 5), U(6, 2, 3, 3)).With(InferenceArgs([2, 1], [1, 0], [1, 1], 2, 6, batchNorm: true, relu: false)),
                Sample(new TransposedLastTwo([1, 2, 5, 4]), U(3, 2, 2, 2), U(3)).With(InferenceArgs([1, 1], [0, 1], [2, 1], 1, 3, batchNorm: false, relu: true)),
                Sample(Randn(2, 2, 5, 5), Randn(3, 2, 3, 3), Randn(3)).With(InferenceArgs([1, 1], [1, 1], [1, 1], 1, 3, batchNorm: true, relu: true)).Onnx(),
            ],
        },
        new()
        {
            Name = "MaxPool2d", Api = ["Tensor.MaxPool2d"], GoldenKey = "max_pool2d", Onnx = OnnxSupport.Export("MaxPool2d", "MaxPool"),
            Call = One((x, a) => x[0].MaxPool2d(P(a, "kernel"), P(a, "stride"), P(a, "padding"), P(a, "dilation"), a.Bool("ceil_mode"))),
            Samples =
            [
                Sample(Values(Ties, 1, 1, 6, 6)).With(MaxPool([2, 2], [2, 2], [0, 0], [1, 1], false)).Golden("max_pool2d_ties_2x2").Kink(AtKink),
                Sample(Values(Ties, 1, 1, 6, 6)).With(MaxPool([3, 3], [1, 2], [1, 1], [1, 1], false)).Golden("max_pool2d_ties_overlapping_3x3").Kink(AtKink),
                Sample(Randn(7, 2, 7, 5)).With(MaxPool([3, 3], [2, 2], [1, 1], [1, 1], false)).Golden("max_pool2d_pad_stride2_batch7"),
                Sample(Randn(2, 3, 9, 8)).With(MaxPool([2, 3], [2, 2], [1, 1], [2, 2], true)).Golden("max_pool2d_dilation2_ceil"),
                Sample(Distinct(1, 2, 3, 4)).With(MaxPool([2, 2], [1, 2], [1, 1], [1, 1], false)),
                Sample(Distinct(2, 1, 5, 4)).With(MaxPool([2, 2], [2, 2], [0, 0], [2, 1], true)),
                Sample(Strided(Distinct(1, 2, 4, 3))).With(MaxPool([2, 2], [1, 1], [0, 1], [1, 1], false)),
                Sample(Randn(2, 2, 6, 5)).With(MaxPool([2, 2], [2, 2], [1, 1], [1, 1], false)).Onnx(),
            ],
        },
        new()
        {
            Name = "AvgPool2d", Api = ["Tensor.AvgPool2d"], GoldenKey = "avg_pool2d", Onnx = OnnxSupport.Export("AvgPool2d", "AveragePool"),
            Call = One((x, a) => x[0].AvgPool2d(P(a, "kernel"), P(a, "stride"), P(a, "padding"), a.Bool("ceil_mode"), a.Bool("count_include_pad"))),
            Samples =
            [
                Sample(Randn(2, 3, 7, 5)).With(AvgPool([3, 3], [2, 2], [1, 1], false, true)).Golden("avg_pool2d_include_pad"),
                Sample(Randn(2, 3, 7, 5)).With(AvgPool([3, 2], [2, 1], [1, 1], false, false)).Golden("avg_pool2d_exclude_pad"),
                Sample(Randn(1, 2, 7, 8)).With(AvgPool([3, 3], [2, 3], [1, 1], true, true)).Golden("avg_pool2d_ceil_include_pad"),
                Sample(Randn(7, 1, 6, 7)).With(AvgPool([2, 3], [2, 2], [0, 1], true, false)).Golden("avg_pool2d_ceil_exclude_pad"),
                Sample(U(1, 2, 5, 4)).With(AvgPool([3, 2], [2, 1], [1, 1], false, false)),
                Sample(U(1, 1, 6, 6)).With(AvgPool([3, 3], [2, 2], [1, 1], true, true)),
                Sample(TransposedLastTwo(1, 2, 5, 4)).With(AvgPool([2, 2], [1, 2], [1, 0], false, true)),
                Sample(Randn(2, 2, 6, 5)).With(AvgPool([3, 3], [2, 2], [1, 1], false, true)).Onnx(),
            ],
        },
        new()
        {
            Name = "AdaptiveAvgPool2d", Api = ["Tensor.AdaptiveAvgPool2d"], GoldenKey = "adaptive_avg_pool2d",
            Onnx = OnnxSupport.Export("AdaptiveAvgPool2d", "AveragePool"),
            Call = One((x, a) => x[0].AdaptiveAvgPool2d(P(a, "output_size"))),
            Samples =
            [
                Sample(Randn(3, 4, 5, 7)).With(Args(("output_size", new[] { 1, 1 }))).Golden("adaptive_avg_pool2d_global"),
                Sample(Randn(2, 3, 7, 5)).With(Args(("output_size", new[] { 3, 4 }))).Golden("adaptive_avg_pool2d_uneven"),
                Sample(Randn(1, 2, 3, 2)).With(Args(("output_size", new[] { 5, 3 }))).Golden("adaptive_avg_pool2d_upsample"),
                Sample(U(2, 1, 5, 4)).With(Args(("output_size", new[] { 2, 3 }))),
                Sample(TransposedLastTwo(1, 2, 4, 5)).With(Args(("output_size", new[] { 3, 2 }))),
                Sample(Randn(2, 2, 6, 4)).With(Args(("output_size", new[] { 3, 2 }))).Onnx(),
            ],
        },
    ];

    private static (int, int) P(OpArgs a, string name) => IndexingOps.Pair(a.Ints(name));

    private static OpArgs ConvArgs(int[] stride, int[] padding, int[] dilation, int groups) =>
        Args(("stride", stride), ("padding", padding), ("dilation", dilation), ("groups", groups));

    /// <summary>Convolution args, "relu", and with <paramref name="batchNorm"/> statistics and affine values for <paramref name="channels"/> channels.</summary>
    private static OpArgs InferenceArgs(int[] stride, int[] padding, int[] dilation, int groups, int channels, bool batchNorm, bool relu)
    {
        var args = ConvArgs(stride, padding, dilation, groups);
        args.Add("relu", relu);
        if (batchNorm)
        {
            var c = Enumerable.Range(0, channels).Select(i => (double)i).ToArray();
            args.Add("running_mean", TensorArg(c.Select(i => 0.3 * (i % 2 == 0 ? i : -i) - 0.1).ToArray(), channels));
            args.Add("running_var", TensorArg(c.Select(i => 0.5 + 0.25 * i).ToArray(), channels));
            args.Add("bn_weight", TensorArg(c.Select(i => 1.5 - 0.4 * i).ToArray(), channels));
            args.Add("bn_bias", TensorArg(c.Select(i => 0.2 * i - 0.3).ToArray(), channels));
        }
        return args;
    }

    private static FrozenBatchNorm? FrozenBatchNormOf(OpArgs a, DType dtype) => a.Contains("running_mean")
        ? new FrozenBatchNorm(a.Tensor("running_mean").To(dtype), a.Tensor("running_var").To(dtype), a.Tensor("bn_weight").To(dtype), a.Tensor("bn_bias").To(dtype), 1e-3)
        : null;

    private static OpArgs MaxPool(int[] kernel, int[] stride, int[] padding, int[] dilation, bool ceil) =>
        Args(("kernel", kernel), ("stride", stride), ("padding", padding), ("dilation", dilation), ("ceil_mode", ceil));

    private static OpArgs AvgPool(int[] kernel, int[] stride, int[] padding, bool ceil, bool countIncludePad) =>
        Args(("kernel", kernel), ("stride", stride), ("padding", padding), ("ceil_mode", ceil), ("count_include_pad", countIncludePad));

    private static OpSample Conv(string name, int[] x, int[] w, bool bias, int[]? stride = null, int[]? padding = null, int[]? dilation = null, int groups = 1) =>
        Sample([Randn(x), Randn(w), .. bias ? new[] { Randn(w[0]) } : []])
            .With(ConvArgs(stride ?? [1, 1], padding ?? [0, 0], dilation ?? [1, 1], groups)).Golden(name);
}
