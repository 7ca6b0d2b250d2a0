using System.Diagnostics;
using MiniTorch;
using MiniTorch.NN;
using MiniTorch.Onnx;

namespace TransferLearning;

/// <summary>What extracting the ImageNet features cost and how the imported backbone compares with ONNX Runtime.</summary>
/// <param name="Features">(N, 512) features of every image, in the order given.</param>
/// <param name="MiniTorchImagesPerSecond">Feature extraction with the imported modules (preprocessing + ResNet-18), batched.</param>
/// <param name="OnnxRuntimeImagesPerSecond">The same two files in ONNX Runtime (batch 1, as the files fix it), on a sample of the images.</param>
/// <param name="MaxAbsErrorVsOnnxRuntime">The largest |MiniTorch − ONNX Runtime| over the sample's 512-d features.</param>
/// <param name="ParameterCount">Elements of the backbone's parameters (the weights a fine-tune would train).</param>
public sealed record ImageNetFeatureRun(Tensor Features, double MiniTorchImagesPerSecond, double OnnxRuntimeImagesPerSecond,
    double MaxAbsErrorVsOnnxRuntime, long ParameterCount);

/// <summary>
/// The ImageNet-pretrained ResNet-18 of NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (MIT; see
/// README.md), imported as MiniTorch modules and frozen: 8×8 grey digits are upscaled bilinearly to 224×224, given
/// three equal channels in the 0–255 range the model was trained on, mean-subtracted by the package's preprocessing
/// graph and mapped to 512 features (the global-average-pooled last block).
/// </summary>
public static class ImageNetFeatures
{
    /// <summary>The side of the model's input images.</summary>
    public const int ImageSize = 224;

    /// <summary>The two model files, copied next to the binaries by the csproj from the NuGet package.</summary>
    public static string ModelPath => Path.Combine(AppContext.BaseDirectory, "models", "ResNet18.onnx");

    /// <inheritdoc cref="ModelPath"/>
    public static string PreprocessPath => Path.Combine(AppContext.BaseDirectory, "models", "ResNetPreprocess.onnx");

    /// <summary>Extracts the features of <paramref name="images"/> (N, 1, 8, 8) in [0, 1] once, and measures both runtimes.</summary>
    public static ImageNetFeatureRun Extract(Tensor images, int batchSize, int runtimeSample)
    {
        ArgumentNullException.ThrowIfNull(images);
        var preprocess = OnnxImporter.Import(PreprocessPath);
        var backbone = OnnxImporter.Import(ModelPath);
        // Frozen: no gradients, BatchNorm on its ImageNet running statistics.
        preprocess.Freeze().Eval();
        backbone.Freeze().Eval();
        int n = images.Size(0);
        var parts = new List<Tensor>();
        var clock = Stopwatch.StartNew();
        using (Autograd.NoGrad())
        {
            for (int start = 0; start < n; start += batchSize)
            {
                var batch = images.Narrow(0, start, Math.Min(batchSize, n - start));
                parts.Add(backbone.Call(preprocess.Call(ToModelInput(batch))).Flatten(1));
            }
        }
        double miniTorchRate = n / clock.Elapsed.TotalSeconds;
        var features = Tensor.Cat(parts, 0);

        int sample = Math.Clamp(runtimeSample, 1, n);
        var inputs = ToModelInput(images.Narrow(0, 0, sample));
        var (runtimeRate, runtimeFeatures) = RunOnnxRuntime(inputs);
        double maxError = 0;
        var ours = features.Narrow(0, 0, sample).ToArray<float>();
        var theirs = runtimeFeatures.ToArray<float>();
        for (int i = 0; i < ours.Length; i++)
        {
            maxError = Math.Max(maxError, Math.Abs(ours[i] - theirs[i]));
        }
        return new ImageNetFeatureRun(features, miniTorchRate, runtimeRate, maxError, backbone.Parameters().Sum(p => (long)p.Numel));
    }

    /// <summary>(N, 1, 8, 8) in [0, 1] → (N, 3, 224, 224) in [0, 255]: bilinear upscaling (PyTorch's align_corners = false), grey in all three channels.</summary>
    public static Tensor ToModelInput(Tensor images)
    {
        var rows = Interpolation(images.Size(2), ImageSize);
        var columns = Interpolation(images.Size(3), ImageSize);
        var upscaled = Tensor.Matmul(Tensor.Matmul(rows, images), columns.Transpose(0, 1)) * 255.0;
        return upscaled.Expand(images.Size(0), 3, ImageSize, ImageSize).Contiguous();
    }

    /// <summary>The (output, input) matrix of 1-D linear interpolation: each output sample mixes its two nearest inputs.</summary>
    private static Tensor Interpolation(int input, int output)
    {
        var weights = new float[output * input];
        double scale = (double)input / output;
        for (int o = 0; o < output; o++)
        {
            double source = Math.Max((o + 0.5) * scale - 0.5, 0);
            int i0 = Math.Min((int)source, input - 1);
            int i1 = Math.Min(i0 + 1, input - 1);
            double w = source - i0;
            weights[o * input + i0] += (float)(1 - w);
            weights[o * input + i1] += (float)w;
        }
        return Tensor.FromArray(weights, [output, input]);
    }

    /// <summary>The preprocessing and the backbone in ONNX Runtime, image by image (both files fix batch 1).</summary>
    private static (double ImagesPerSecond, Tensor Features) RunOnnxRuntime(Tensor inputs)
    {
        using var preprocess = new OnnxRuntimeSession(OnnxModel.Load(PreprocessPath));
        using var backbone = new OnnxRuntimeSession(OnnxModel.Load(ModelPath));
        int n = inputs.Size(0);
        var outputs = new Tensor[n];
        backbone.Run(preprocess.Run(inputs.Narrow(0, 0, 1).Contiguous())[0]); // warm-up: the first run plans the graph
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            outputs[i] = backbone.Run(preprocess.Run(inputs.Narrow(0, i, 1).Contiguous())[0])[0].Flatten(1);
        }
        return (n / clock.Elapsed.TotalSeconds, Tensor.Cat(outputs, 0));
    }

    /// <summary>A linear classifier on the 512 ImageNet features.</summary>
    public static Linear Head(int classes, Generator generator) => new(512, classes, generator: generator);
}
