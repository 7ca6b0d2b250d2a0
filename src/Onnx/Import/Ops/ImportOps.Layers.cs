using MiniTorch.NN;

namespace MiniTorch.Onnx;

// Nodes that become layers (Conv → Conv2d, BatchNormalization → BatchNorm2d, Gemm and MatMul(+Add) → Linear,
// LayerNormalization → LayerNorm) when their weights are initializers, plus Gemm and MatMul in general.
internal static partial class ImportOps
{
    private static void AddLayers(Dictionary<string, OnnxOpImporter> table)
    {
        table["Conv"] = Conv;
        table["BatchNormalization"] = BatchNormalization;
        table["Gemm"] = Gemm;
        table["MatMul"] = MatMul;
        table["LayerNormalization"] = LayerNormalization;
        AddPooling(table);
    }

    private static NodeKernel Conv(NodeImportContext c)
    {
        c.OnlyAttributes("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");
        if (!c.IsInitializer(1) || c.Constant(1)!.Value.Rank != 4 || !c.Constant(1)!.Value.IsFloat)
        {
            throw c.Unsupported("only 2-D convolution with a float weight initializer of shape (C_out, C_in, kh, kw) is supported");
        }
        if (c.HasInput(2) && !c.IsInitializer(2))
        {
            throw c.Unsupported("a bias that is not an initializer is not supported");
        }
        long group = c.Int("group", 1);
        if (group != 1)
        {
            throw c.Unsupported($"grouped convolution (group={group}) is not supported yet: MiniTorch's Conv2d has no groups");
        }
        var weight = c.Constant(1)!.Value.Data;
        var kernel = new Size2(weight.Size(2), weight.Size(3));
        if (c.Ints("kernel_shape") is { } declared && (declared.Length != 2 || declared[0] != kernel.Height || declared[1] != kernel.Width))
        {
            throw c.Unsupported($"kernel_shape [{string.Join(", ", declared)}] does not match the weight's shape {OnnxShapes.Format(weight.Shape)}");
        }
        var stride = Pair(c, "strides", 1);
        var dilation = Pair(c, "dilations", 1);
        var pads = WindowPads.From(c, kernel, stride, dilation);
        var layer = new Conv2d(weight.Size(1), weight.Size(0), kernel, stride, pads.Symmetric, dilation, bias: c.HasInput(2), dtype: weight.DType);
        string path = c.AddLayer(layer, "conv", 1);
        c.ReadsOnlyData();
        layer.SetParameter("weight", new Parameter(c.Claim(1, path + ".weight")));
        if (c.HasInput(2))
        {
            layer.SetParameter("bias", new Parameter(c.Claim(2, path + ".bias")));
        }
        return (x, _) =>
        {
            var input = Data(x[0]);
            var (top, left, bottom, right) = pads.Extra(input);
            return One(Like(x[0]!.Value, layer.Call(PadSpatial(input, top, left, bottom, right, 0))));
        };
    }

    private static NodeKernel BatchNormalization(NodeImportContext c)
    {
        // Opsets 7-8 have `spatial` (1 = per channel, the only form here); 14+ have training_mode (0 = inference).
        c.OnlyAttributes("epsilon", "momentum", "spatial", "training_mode");
        if (c.Int("spatial", 1) != 1)
        {
            throw c.Unsupported("spatial=0 (statistics per element rather than per channel) is not supported");
        }
        if (c.Int("training_mode", 0) != 0)
        {
            throw c.Unsupported("training_mode=1 is not supported; the module's own Train()/Eval() chooses batch or running statistics");
        }
        c.OnlyOutputs(1, "the training-mode statistics");
        for (int i = 1; i <= 4; i++)
        {
            if (!c.IsInitializer(i) || c.Constant(i)!.Value.Rank != 1 || !c.Constant(i)!.Value.IsFloat)
            {
                throw c.Unsupported($"input {i} (scale, bias, mean, var) must be a 1-D float initializer");
            }
        }
        var scale = c.Constant(1)!.Value.Data;
        // ONNX's momentum weighs the old running value (default 0.9); PyTorch's weighs the new batch: 1 − momentum.
        double momentum = 1 - c.Float("momentum", 0.9f);
        var layer = new BatchNorm2d(scale.Size(0), eps: c.Float("epsilon", 1e-5f), momentum: Math.Clamp(momentum, 0, 1), dtype: scale.DType);
        string path = c.AddLayer(layer, "batchnorm", 1);
        c.ReadsOnlyData();
        layer.SetParameter("weight", new Parameter(c.Claim(1, path + ".weight")));
        layer.SetParameter("bias", new Parameter(c.Claim(2, path + ".bias")));
        layer.SetBuffer("running_mean", c.Claim(3, path + ".running_mean", isParameter: false));
        layer.SetBuffer("running_var", c.Claim(4, path + ".running_var", isParameter: false));
        return (x, _) =>
        {
            var input = Data(x[0]);
            // BatchNorm2d takes (N, C, H, W); (N, C) and (N, C, L) get trailing 1s, which leave the statistics unchanged.
            var y = input.Rank switch
            {
                2 => layer.Call(input.Unsqueeze(2).Unsqueeze(3)).Squeeze(3).Squeeze(2),
                3 => layer.Call(input.Unsqueeze(3)).Squeeze(3),
                4 => layer.Call(input),
                _ => throw new ArgumentException($"BatchNormalization of a rank-{input.Rank} input is not supported (rank 2, 3 or 4)."),
            };
            return One(Like(x[0]!.Value, y));
        };
    }

    private static NodeKernel Gemm(NodeImportContext c)
    {
        c.OnlyAttributes("alpha", "beta", "transA", "transB", "broadcast");
        double alpha = c.Float("alpha", 1), beta = c.Float("beta", 1);
        bool transA = c.Int("transA", 0) != 0, transB = c.Int("transB", 0) != 0;
        var b = c.Constant(1);
        var bias = c.Constant(2);
        bool linear = !transA && alpha == 1 && c.IsInitializer(1) && b!.Value.Rank == 2 && b.Value.IsFloat
            && (!c.HasInput(2) || (beta == 1 && c.IsInitializer(2) && bias!.Value.IsFloat && bias.Value.Data.Numel == (transB ? b.Value.Shape[0] : b.Value.Shape[1]) && bias.Value.Rank <= 2 && (bias.Value.Rank < 2 || bias.Value.Shape[0] == 1)));
        if (linear)
        {
            return LinearLayer(c, 1, transposed: !transB, biasInput: c.HasInput(2) ? 2 : -1, biasOwner: c);
        }
        return (x, _) =>
        {
            var a = Data(x[0]);
            var w = Data(x[1]);
            var y = Tensor.Matmul(transA ? a.Transpose(0, 1) : a, transB ? w.Transpose(0, 1) : w);
            if (alpha != 1)
            {
                y = y * alpha;
            }
            if (x.Length > 2 && x[2] is { } cValue && beta != 0)
            {
                y = y + (beta == 1 ? cValue.Data : cValue.Data * beta);
            }
            return One(Like(x[0]!.Value, y));
        };
    }

    /// <summary>
    /// MatMul with a 2-D float initializer (or a [1, 0] Transpose of one, as MiniTorch's exporter writes a Linear on
    /// rank > 2 input) becomes a Linear; a following Add of a 1-D initializer of the output size becomes its bias.
    /// </summary>
    private static NodeKernel MatMul(NodeImportContext c)
    {
        c.OnlyAttributes();
        int weightInput = 1;
        bool transposed = true;
        var producer = c.Producer(c.InputName(1));
        if (!c.IsInitializer(1) && producer is { OpType: "Transpose" } transpose && transpose.Input.Count == 1
            && c.SoleConsumer(c.InputName(1)) is not null && IsInitializerMatrix(c, transpose.Input[0])
            && (transpose.Attribute.FirstOrDefault(a => a.Name == "perm") is not { } perm || perm.Ints.SequenceEqual([1L, 0L])))
        {
            c.Absorb(transpose);
            return LinearFromTranspose(c, transpose);
        }
        if (c.IsInitializer(1) && c.Constant(1)!.Value.Rank == 2 && c.Constant(1)!.Value.IsFloat)
        {
            return LinearLayer(c, weightInput, transposed, BiasAdd(c, c.Constant(1)!.Value.Shape[1]), c);
        }
        return (x, _) => One(Like(x[0]!.Value, Tensor.Matmul(Data(x[0]), Data(x[1]))));
    }

    private static bool IsInitializerMatrix(NodeImportContext c, string name)
    {
        var value = c.ConstantNamed(name);
        return c.IsInitializerNamed(name) && value is { Rank: 2, IsFloat: true };
    }

    private static NodeKernel LinearFromTranspose(NodeImportContext c, global::Onnx.NodeProto transpose)
    {
        var weight = c.ConstantNamed(transpose.Input[0])!.Value.Data; // (out, in), as Linear stores it
        int biasInput = BiasAdd(c, weight.Size(0));
        var layer = new Linear(weight.Size(1), weight.Size(0), bias: biasInput >= 0, dtype: weight.DType);
        var path = c.AddLayerNamed(layer, "linear", transpose.Input[0]);
        c.ReadsOnlyData();
        layer.SetParameter("weight", new Parameter(c.ClaimNamed(transpose.Input[0], path + ".weight")));
        return FinishLinear(c, layer, path);
    }

    private static NodeKernel LinearLayer(NodeImportContext c, int weightInput, bool transposed, int biasInput, NodeImportContext biasOwner)
    {
        var b = c.Constant(weightInput)!.Value.Data;
        var weight = transposed ? b.Transpose(0, 1).Contiguous() : b;
        var layer = new Linear(weight.Size(1), weight.Size(0), bias: biasInput >= 0, dtype: weight.DType);
        string path = c.AddLayer(layer, "linear", weightInput);
        c.ReadsOnlyData();
        var claimed = c.Claim(weightInput, path + ".weight");
        layer.SetParameter("weight", new Parameter(transposed ? weight : claimed));
        if (c.OpType == "Gemm" && biasInput >= 0)
        {
            var bias = c.Claim(biasInput, path + ".bias");
            layer.SetParameter("bias", new Parameter(bias.Rank == 1 ? bias : bias.Reshape(-1)));
            return (x, _) => One(Like(x[0]!.Value, layer.Call(Data(x[0]))));
        }
        return FinishLinear(c, layer, path);
    }

    /// <summary>Takes the fused Add's bias (if any) into the layer; the kernel then writes the Add's output.</summary>
    private static NodeKernel FinishLinear(NodeImportContext c, Linear layer, string path)
    {
        if (c.FusedAdd is { } add)
        {
            int side = add.Input[0] == c.Node.Output[0] ? 1 : 0;
            layer.SetParameter("bias", new Parameter(c.ClaimNamed(add.Input[side], path + ".bias")));
            c.Absorb(add);
            c.Outputs = [add.Output[0]];
        }
        return (x, _) => One(Like(x[0]!.Value, layer.Call(Data(x[0]))));
    }

    /// <summary>Finds an Add right after this MatMul whose other operand is a 1-D float initializer of <paramref name="outFeatures"/> elements; returns 2 if found, else −1.</summary>
    private static int BiasAdd(NodeImportContext c, int outFeatures)
    {
        if (c.SoleConsumer(c.Node.Output[0]) is not { OpType: "Add" } add || add.Input.Count != 2 || add.Attribute.Count > 0)
        {
            return -1;
        }
        string other = add.Input[0] == c.Node.Output[0] ? add.Input[1] : add.Input[0];
        if (c.IsInitializerNamed(other) && c.ConstantNamed(other) is { Rank: 1, IsFloat: true } v && v.Shape[0] == outFeatures)
        {
            c.FusedAdd = add;
            return 2;
        }
        return -1;
    }

    private static NodeKernel LayerNormalization(NodeImportContext c)
    {
        c.OnlyAttributes("axis", "epsilon", "stash_type");
        c.OnlyOutputs(1, "mean and inverse standard deviation");
        if (!c.IsInitializer(1) || !c.Constant(1)!.Value.IsFloat || (c.HasInput(2) && !c.IsInitializer(2)))
        {
            throw c.Unsupported("scale and bias must be float initializers");
        }
        var scale = c.Constant(1)!.Value.Data;
        long axis = c.Int("axis", -1);
        var layer = new LayerNorm(scale.Shape, eps: c.Float("epsilon", 1e-5f), bias: c.HasInput(2), dtype: scale.DType);
        string path = c.AddLayer(layer, "layernorm", 1);
        c.ReadsOnlyData();
        layer.SetParameter("weight", new Parameter(c.Claim(1, path + ".weight")));
        if (c.HasInput(2))
        {
            layer.SetParameter("bias", new Parameter(c.Claim(2, path + ".bias")));
        }
        return (x, _) =>
        {
            var input = Data(x[0]);
            int first = Axis(axis, input.Rank);
            if (input.Rank - first != scale.Rank)
            {
                throw new ArgumentException($"axis {axis} normalises {input.Rank - first} dims, but the scale has shape {OnnxShapes.Format(scale.Shape)}.");
            }
            return One(Like(x[0]!.Value, layer.Call(input)));
        };
    }

    private static Size2 Pair(NodeImportContext c, string name, int fallback)
    {
        var values = c.Ints(name);
        if (values is null || values.Length == 0)
        {
            return new Size2(fallback, fallback);
        }
        if (values.Length != 2)
        {
            throw c.Unsupported($"{name} [{string.Join(", ", values)}] has {values.Length} values; only 2-D windows are supported");
        }
        return new Size2(checked((int)values[0]), checked((int)values[1]));
    }
}
