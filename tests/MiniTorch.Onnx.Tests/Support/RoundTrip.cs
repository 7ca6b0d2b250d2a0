namespace MiniTorch.Onnx.Tests.Support;

/// <summary>Export, then run in ONNX Runtime and compare with MiniTorch at the traced batch size and at others.</summary>
internal static class RoundTrip
{
    public const double Atol = 1e-5;
    public const double Rtol = 1e-4;

    /// <summary>
    /// The batch sizes every check runs at besides the traced one. Tracing at batch 1 is the default, as users export
    /// with one example, and the hardest case: every size-1 dim makes a tensor contiguous whatever its strides.
    /// </summary>
    public static readonly int[] OtherBatches = [3, 6];

    public static Tensor Randn(int seed, params int[] shape) => Tensor.Randn(shape, generator: new Generator(seed));

    public static OnnxModel Check(Func<Tensor, Tensor> function, Func<int, Tensor> input, int traced = 1, double atol = Atol, double rtol = Rtol)
    {
        var model = OnnxExporter.Export(function, input(traced));
        foreach (int batch in OtherBatches.Prepend(traced))
        {
            OnnxCheck.AssertClose(model, xs => [function(xs[0])], [input(batch)], atol, rtol);
        }
        return model;
    }

    public static OnnxModel Check(Module module, Func<int, Tensor> input, int traced = 1, double atol = Atol, double rtol = Rtol, OnnxExportOptions? options = null)
    {
        var model = OnnxExporter.Export(module, input(traced), options ?? new OnnxExportOptions { OnWarning = _ => { } });
        foreach (int batch in OtherBatches.Prepend(traced))
        {
            OnnxCheck.AssertClose(model, module, input(batch), atol, rtol);
        }
        return model;
    }

    /// <summary>The ONNX operator types of the graph's nodes, in order.</summary>
    public static string[] OpTypes(OnnxModel model) => [.. model.Proto.Graph.Node.Select(n => n.OpType)];
}
