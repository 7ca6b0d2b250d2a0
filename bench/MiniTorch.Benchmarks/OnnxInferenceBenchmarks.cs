using BenchmarkDotNet.Attributes;
using MiniTorch.NN;
using MiniTorch.Onnx;

namespace MiniTorch.Benchmarks;

/// <summary>
/// Inference of a digits CNN (8×8 grey images, 10 classes) in MiniTorch and in ONNX Runtime on the model exported
/// from it: Conv2d(1→16, 3×3, pad 1)-BatchNorm-ReLU-MaxPool(2)-Conv2d(16→32, 3×3, pad 1)-ReLU-MaxPool(2)-Flatten-
/// Linear(128→10), eval mode. MiniTorch runs under no-grad; ONNX Runtime's CPU session with its default settings
/// (all graph optimisations, one intra-op thread per core), called through <see cref="OnnxRuntimeSession"/>, so
/// its time includes copying the input in and the logits out, as a MiniTorch user pays.
/// </summary>
[MemoryDiagnoser]
public class OnnxInferenceBenchmarks
{
    private Sequential _model = null!;
    private OnnxRuntimeSession _session = null!;
    private Tensor _x = null!;

    [Params(1, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(2);
        _model = DigitsCnn(g);
        _model.Eval();
        _x = Tensor.Randn([Batch, 1, 8, 8], generator: g);
        var onnx = OnnxExporter.Export(_model, _x);
        _session = new OnnxRuntimeSession(onnx);
        // The two must compute the same function before their speeds are compared.
        OnnxCheck.AssertClose(onnx, _model, _x, 1e-4, 1e-4);
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark(Baseline = true)]
    public Tensor MiniTorch()
    {
        using (Autograd.NoGrad())
        {
            return _model.Call(_x);
        }
    }

    [Benchmark]
    public Tensor OnnxRuntime() => _session.Run(_x)[0];

    internal static Sequential DigitsCnn(Generator g) => new(
        new Conv2d(1, 16, 3, padding: 1, generator: g), new BatchNorm2d(16), new Relu(), new MaxPool2d(2),
        new Conv2d(16, 32, 3, padding: 1, generator: g), new Relu(), new MaxPool2d(2),
        new Flatten(),
        new Linear(32 * 2 * 2, 10, generator: g));
}
