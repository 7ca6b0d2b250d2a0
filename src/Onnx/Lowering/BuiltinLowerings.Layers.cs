namespace MiniTorch.Onnx;

// The layers' composite ops (reported by MiniTorch.NN's functional forms) as ONNX's fused operators.
internal static partial class BuiltinLowerings
{
    private static void AddLayers(Dictionary<string, OnnxLowering> table)
    {
        table["Linear"] = Linear;
        table["Conv2d"] = Conv2d;
        table["MaxPool2d"] = c => c.AddNode("MaxPool", [c.Input(0)], c.Output(0),
            OnnxAttribute.Ints("kernel_shape", c.Op.Attributes.GetInts("kernelSize")),
            OnnxAttribute.Ints("strides", c.Op.Attributes.GetInts("stride")),
            OnnxAttribute.Ints("pads", Pads(c.Op.Attributes.GetInts("padding"))),
            OnnxAttribute.Ints("dilations", c.Op.Attributes.GetInts("dilation")),
            OnnxAttribute.Int("ceil_mode", c.Op.Attributes.GetBool("ceilMode") ? 1 : 0));
        table["AvgPool2d"] = c => c.AddNode("AveragePool", [c.Input(0)], c.Output(0),
            OnnxAttribute.Ints("kernel_shape", c.Op.Attributes.GetInts("kernelSize")),
            OnnxAttribute.Ints("strides", c.Op.Attributes.GetInts("stride")),
            OnnxAttribute.Ints("pads", Pads(c.Op.Attributes.GetInts("padding"))),
            OnnxAttribute.Int("ceil_mode", c.Op.Attributes.GetBool("ceilMode") ? 1 : 0),
            OnnxAttribute.Int("count_include_pad", c.Op.Attributes.GetBool("countIncludePad") ? 1 : 0));
        table["AdaptiveAvgPool2d"] = AdaptiveAvgPool2d;
        table["BatchNorm"] = BatchNorm;
        table["LayerNorm"] = LayerNorm;
        table["Col2Im"] = c => c.AddNode("Col2Im",
            [c.Input(0), c.ConstantInts([.. c.Op.Attributes.GetInts("outputSize").Select(v => (long)v)]), c.ConstantInts([.. c.Op.Attributes.GetInts("kernelSize").Select(v => (long)v)])],
            c.Output(0),
            OnnxAttribute.Ints("strides", c.Op.Attributes.GetInts("stride")),
            OnnxAttribute.Ints("pads", Pads(c.Op.Attributes.GetInts("padding"))),
            OnnxAttribute.Ints("dilations", c.Op.Attributes.GetInts("dilation")));
    }

    /// <summary>MiniTorch's symmetric (height, width) padding as ONNX's [top, left, bottom, right].</summary>
    private static int[] Pads(int[] padding) => [padding[0], padding[1], padding[0], padding[1]];

    private static void Linear(OnnxLoweringContext c)
    {
        if (c.InputShape(0).Length == 2)
        {
            // Gemm computes x·Wᵀ + b in one node, reading the weight as stored (transB).
            string[] inputs = c.HasInput(2) ? [c.Input(0), c.Input(1), c.Input(2)] : [c.Input(0), c.Input(1)];
            c.AddNode("Gemm", inputs, c.Output(0), OnnxAttribute.Int("transB", 1));
            return;
        }
        var transposed = c.AddNode("Transpose", [c.Input(1)], null, OnnxAttribute.Ints("perm", [1, 0]));
        if (!c.HasInput(2))
        {
            c.AddNode("MatMul", [c.Input(0), transposed], c.Output(0));
            return;
        }
        var product = c.AddNode("MatMul", [c.Input(0), transposed]);
        c.AddNode("Add", [product, c.Input(2)], c.Output(0));
    }

    private static void Conv2d(OnnxLoweringContext c)
    {
        var weight = c.InputShape(1);
        string[] inputs = c.HasInput(2) ? [c.Input(0), c.Input(1), c.Input(2)] : [c.Input(0), c.Input(1)];
        c.AddNode("Conv", inputs, c.Output(0),
            OnnxAttribute.Ints("kernel_shape", weight[2..]),
            OnnxAttribute.Ints("strides", c.Op.Attributes.GetInts("stride")),
            OnnxAttribute.Ints("pads", Pads(c.Op.Attributes.GetInts("padding"))),
            OnnxAttribute.Ints("dilations", c.Op.Attributes.GetInts("dilation")),
            OnnxAttribute.Int("group", c.Op.Attributes.GetInt("groups")));
    }

    private static void AdaptiveAvgPool2d(OnnxLoweringContext c)
    {
        var outputSize = c.Op.Attributes.GetInts("outputSize");
        if (outputSize is [1, 1])
        {
            c.AddNode("GlobalAveragePool", [c.Input(0)], c.Output(0));
            return;
        }
        // ONNX has no adaptive pool. When the output size divides the input's, every window has the same size and
        // stride, which is exactly an AveragePool; other sizes have windows of varying size, which no ONNX node computes.
        var input = c.InputShape(0);
        bool dynamic = c.IsInputDimDynamic(0, 2) || c.IsInputDimDynamic(0, 3);
        if (dynamic || input[2] % outputSize[0] != 0 || input[3] % outputSize[1] != 0)
        {
            string size = dynamic ? "a dynamic height or width" : $"{input[2]} x {input[3]}";
            throw c.Error($"AdaptiveAvgPool2d to ({outputSize[0]}, {outputSize[1]}) of an input of {size} has no ONNX equivalent: ONNX has no adaptive pooling, and only an output size of (1, 1) (GlobalAveragePool) or one that divides a fixed input size (AveragePool) can be exported.");
        }
        int[] window = [input[2] / outputSize[0], input[3] / outputSize[1]];
        c.AddNode("AveragePool", [c.Input(0)], c.Output(0), OnnxAttribute.Ints("kernel_shape", window), OnnxAttribute.Ints("strides", window));
    }

    private static void BatchNorm(OnnxLoweringContext c)
    {
        // Inputs as reported: input, running mean, running var, weight?, bias?. ONNX needs scale and bias: 1 and 0 when absent.
        var channels = c.InputShape(1);
        var dtype = c.InputDType(0);
        string scale = c.HasInput(3) ? c.Input(3) : c.Constant(Tensor.Ones(channels, dtype));
        string bias = c.HasInput(4) ? c.Input(4) : c.Constant(Tensor.Zeros(channels, dtype));
        c.AddNode("BatchNormalization", [c.Input(0), scale, bias, c.Input(1), c.Input(2)], c.Output(0),
            OnnxAttribute.Float("epsilon", c.Op.Attributes.GetDouble("eps")));
    }

    private static void LayerNorm(OnnxLoweringContext c)
    {
        var normalizedShape = c.Op.Attributes.GetInts("normalizedShape");
        string scale = c.HasInput(1) ? c.Input(1) : c.Constant(Tensor.Ones(normalizedShape, c.InputDType(0)));
        string[] inputs = c.HasInput(2) ? [c.Input(0), scale, c.Input(2)] : [c.Input(0), scale];
        c.AddNode("LayerNormalization", inputs, c.Output(0),
            OnnxAttribute.Int("axis", -normalizedShape.Length),
            OnnxAttribute.Float("epsilon", c.Op.Attributes.GetDouble("eps")));
    }
}
