using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Export;

/// <summary>Custom Functions export only through a registered lowering; without one the error names the Function.</summary>
public class CustomOpTests
{
    /// <summary>softplus(x) = log(1 + eˣ), with a hand-written backward.</summary>
    private sealed class SoftplusFunction : Function
    {
        public override string Name => "TestSoftplus";

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return (inputs[0].Exp() + 1).Log();
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * ctx.SavedTensors[0].Sigmoid()];
    }

    /// <summary>A Function named like a built-in op must not be exported as that op.</summary>
    private sealed class FakeRelu : Function
    {
        public override string Name => "Relu";

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 3;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 3];
    }

    [Fact]
    public void AFunctionWithoutALoweringIsNamedInTheError()
    {
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => new SoftplusFunction().Apply(x).Relu(), RoundTrip.Randn(1, 2, 3)));
        Assert.Contains("custom Function 'TestSoftplus'", error.Message);
        Assert.Contains("OnnxOpRegistry.Register(\"TestSoftplus\"", error.Message);
        Assert.Contains("[2, 3]", error.Message);
    }

    [Fact]
    public void ARegisteredLoweringExportsTheFunction()
    {
        OnnxOpRegistry.Register("TestSoftplus", c => c.AddNode("Softplus", [c.Input(0)], c.Output(0)));
        try
        {
            Assert.True(OnnxOpRegistry.IsSupported("TestSoftplus"));
            var model = RoundTrip.Check(x => new SoftplusFunction().Apply(x) * 2, b => RoundTrip.Randn(b, b, 4));
            Assert.Equal(["Softplus", "Mul"], RoundTrip.OpTypes(model));
        }
        finally
        {
            Assert.True(OnnxOpRegistry.Unregister("TestSoftplus"));
        }
        Assert.False(OnnxOpRegistry.IsSupported("TestSoftplus"));
    }

    [Fact]
    public void AFunctionNamedLikeABuiltInOpIsNotExportedAsThatOp()
    {
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => new FakeRelu().Apply(x), RoundTrip.Randn(1, 2, 3)));
        Assert.Contains("custom Function 'Relu'", error.Message);
    }

    [Fact]
    public void RegistrationErrors()
    {
        var builtin = Assert.Throws<ArgumentException>(() => OnnxOpRegistry.Register("Conv2d", _ => { }));
        Assert.Contains("built-in", builtin.Message);
        OnnxOpRegistry.Register("TestTwice", c => c.AddNode("Identity", [c.Input(0)], c.Output(0)));
        try
        {
            var twice = Assert.Throws<ArgumentException>(() => OnnxOpRegistry.Register("TestTwice", _ => { }));
            Assert.Contains("already registered", twice.Message);
        }
        finally
        {
            OnnxOpRegistry.Unregister("TestTwice");
        }
        Assert.Throws<ArgumentNullException>(() => OnnxOpRegistry.Register("TestNull", null!));
    }

    [Fact]
    public void ALoweringThatForgetsItsOutputIsReported()
    {
        OnnxOpRegistry.Register("TestSoftplus", c => c.AddNode("Softplus", [c.Input(0)]));
        try
        {
            var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => new SoftplusFunction().Apply(x), RoundTrip.Randn(1, 2, 3)));
            Assert.Contains("did not produce output 0", error.Message);
        }
        finally
        {
            OnnxOpRegistry.Unregister("TestSoftplus");
        }
    }

    [Fact]
    public void APluginOpReportedThroughTracingExportsThroughItsLowering()
    {
        // A plugin's op computes with core ops and reports itself as one op, as the NN layers do.
        static Tensor Swish(Tensor x)
        {
            var y = x * x.Sigmoid();
            if (Tracing.IsActive)
            {
                Tracing.Record("TestSwish", [y], [x]);
            }
            return y;
        }
        OnnxOpRegistry.Register("TestSwish", c => c.AddNode("Mul", [c.Input(0), c.AddNode("Sigmoid", [c.Input(0)])], c.Output(0)));
        try
        {
            var model = RoundTrip.Check(Swish, b => RoundTrip.Randn(b, b, 4));
            Assert.Equal(["Sigmoid", "Mul"], RoundTrip.OpTypes(model));
            Assert.StartsWith("TestSwish", model.Proto.Graph.Node[1].Name);
        }
        finally
        {
            OnnxOpRegistry.Unregister("TestSwish");
        }
    }
}
