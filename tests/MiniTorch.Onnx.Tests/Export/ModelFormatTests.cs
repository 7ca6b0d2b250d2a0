using MiniTorch.Onnx.Tests.Support;
using Onnx;

namespace MiniTorch.Onnx.Tests.Export;

/// <summary>The written model: versions, names, symbolic batch dims, initializers, node names, and the file.</summary>
public class ModelFormatTests
{
    private sealed class Net : Module
    {
        public Net()
        {
            RegisterModule("hidden", new Linear(4, 5, generator: new Generator(1)));
            RegisterModule("out", new Linear(5, 2, generator: new Generator(2)));
        }

        protected override Tensor Forward(Tensor input) => GetSubmodule("out").Call(GetSubmodule("hidden").Call(input).Tanh());
    }

    [Fact]
    public void VersionsProducerAndGraphName()
    {
        var model = OnnxExporter.Export(new Net(), RoundTrip.Randn(1, 2, 4));
        Assert.Equal(10, model.Proto.IrVersion);
        Assert.Equal(21, model.Proto.OpsetImport.Single().Version);
        Assert.Equal("", model.Proto.OpsetImport.Single().Domain);
        Assert.Equal("MiniTorch", model.Proto.ProducerName);
        Assert.Equal("Net", model.Proto.Graph.Name);
    }

    [Fact]
    public void InitializersAreNamedFromNamedParametersAndNodesFromModulePaths()
    {
        var net = new Net();
        var model = OnnxExporter.Export(net, RoundTrip.Randn(1, 2, 4));
        Assert.Equal(net.NamedParameters().Select(p => p.Name), model.Proto.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(net.GetParameter("hidden.weight")!.ToFloatArray(), Floats(model.Proto.Graph.Initializer[0]));
        Assert.Equal(new long[] { 5, 4 }, model.Proto.Graph.Initializer[0].Dims);
        var names = model.Proto.Graph.Node.Select(n => n.Name).ToArray();
        Assert.Equal(3, names.Length);
        Assert.StartsWith("hidden/Linear_", names[0]);
        Assert.StartsWith("Tanh_", names[1]);
        Assert.StartsWith("out/Linear_", names[2]);
        Assert.Equal(names[0] + "/output", model.Proto.Graph.Node[0].Output.Single());
    }

    [Fact]
    public void TheBatchDimIsSymbolicOnInputsAndOutputs()
    {
        var model = OnnxExporter.Export(new Net(), RoundTrip.Randn(1, 3, 4));
        Assert.Equal(["batch", ""], Dims(model.Proto.Graph.Input[0]).Select(d => d.DimParam));
        Assert.Equal(4, Dims(model.Proto.Graph.Input[0])[1].DimValue);
        Assert.Equal("batch", Dims(model.Proto.Graph.Output[0])[0].DimParam);
        Assert.Equal(2, Dims(model.Proto.Graph.Output[0])[1].DimValue);
    }

    [Fact]
    public void FixedShapesWhenDynamicBatchIsOff()
    {
        var model = OnnxExporter.Export(new Net(), RoundTrip.Randn(1, 3, 4), new OnnxExportOptions { DynamicBatch = false });
        Assert.Equal([3L, 4L], Dims(model.Proto.Graph.Input[0]).Select(d => d.DimValue));
        using var session = new OnnxRuntimeSession(model);
        Assert.Throws<InvalidOperationException>(() => session.Run(RoundTrip.Randn(2, 5, 4)));
    }

    [Fact]
    public void ABatchFoldedIntoAnotherDimIsSymbolicButUnnamed()
    {
        var model = OnnxExporter.Export(x => x.Reshape(-1), RoundTrip.Randn(1, 3, 4));
        var dim = Dims(model.Proto.Graph.Output[0]).Single();
        Assert.Equal("", dim.DimParam);
        Assert.Equal(0, dim.DimValue);
        OnnxCheck.AssertClose(model, xs => [xs[0].Reshape(-1)], [RoundTrip.Randn(2, 7, 4)]);
    }

    [Fact]
    public void OutputsThatAreInputsParametersOrRepeatsGetIdentityNodes()
    {
        var weight = RoundTrip.Randn(3, 4);
        Func<Tensor[], Tensor[]> f = xs => { var y = xs[0] * weight; return [y, y, xs[0], weight]; };
        var model = OnnxExporter.Export(f, [RoundTrip.Randn(1, 2, 4)], namedTensors: [("w", weight)]);
        Assert.Equal(["output_0", "output_1", "output_2", "output_3"], model.OutputNames);
        Assert.Equal(["Mul", "Identity", "Identity", "Identity"], RoundTrip.OpTypes(model));
        Assert.Equal("w", model.Proto.Graph.Initializer.Single().Name);
        OnnxCheck.AssertClose(model, f, [RoundTrip.Randn(2, 5, 4)]);
    }

    [Fact]
    public void TiedWeightsAreWrittenOnce()
    {
        var first = new Linear(3, 3, bias: false);
        var second = new Linear(3, 3, bias: false);
        second.SetParameter("weight", first.Weight);
        var model = RoundTrip.Check(new Sequential(first, second), b => RoundTrip.Randn(b, b, 3));
        Assert.Equal("0.weight", model.Proto.Graph.Initializer.Single().Name);
    }

    [Fact]
    public void SaveWritesAFileOnnxRuntimeLoads()
    {
        var model = OnnxExporter.Export(new Net(), RoundTrip.Randn(1, 2, 4));
        string directory = Directory.CreateTempSubdirectory("minitorch-onnx").FullName;
        try
        {
            string path = Path.Combine(directory, "net.onnx");
            model.Save(path);
            Assert.Equal(model.ToBytes(), File.ReadAllBytes(path));
            var reloaded = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            Assert.Equal(model.Proto, reloaded);
            Assert.Single(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IReadOnlyList<TensorShapeProto.Types.Dimension> Dims(ValueInfoProto value) => value.Type.TensorType.Shape.Dim;

    private static float[] Floats(TensorProto tensor) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
}
