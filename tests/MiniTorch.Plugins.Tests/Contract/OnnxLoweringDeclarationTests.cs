using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Contract;

/// <summary>
/// An op's ONNX lowering is declared in the contract without any ONNX reference: recorded by a builder, dry-run when
/// the op is added (so a lowering that reads what the op lacks fails at load time), and plugin op calls are traced as
/// <c>plugin::op</c> with their attributes for the exporter.
/// </summary>
public class OnnxLoweringDeclarationTests
{
    private static OpDefinition Square(OnnxOpLowering? lowering, IReadOnlyDictionary<string, double>? attributes = null) => new()
    {
        Name = "square",
        Inputs = ["input"],
        Attributes = attributes ?? new Dictionary<string, double>(),
        Create = _ => new TestFunctions.Square(),
        Samples = [new OpSample([2, 3])],
        OnnxLowering = lowering,
    };

    [Fact]
    public void TheBuilderRecordsNodesInOrderWithTheirInputsAttributesAndOutput()
    {
        var lowering = OnnxOpLowering.Compose(g =>
        {
            var scaled = g.Op("Mul", g.Input("input"), g.Attribute("scale"));
            var halves = g.Op("Split", 2, [scaled, g.Int64s(1, 2)], OnnxNodeAttribute.Int("axis", -1));
            return g.Op("LeakyRelu", [halves[1]], OnnxNodeAttribute.FloatFrom("alpha", "scale"));
        });
        var graph = lowering.Record("square", ["input"], ["scale"]);

        Assert.Equal(OnnxLoweringKind.Compose, lowering.Kind);
        Assert.Equal(["Mul", "Split", "LeakyRelu"], graph.Nodes.Select(n => n.OpType));
        Assert.Equal([OnnxValueKind.Input, OnnxValueKind.Attribute], graph.Nodes[0].Inputs.Select(v => v!.Kind));
        Assert.Equal("scale", graph.Nodes[0].Inputs[1]!.AttributeName);
        Assert.Same(graph.Nodes[0], graph.Nodes[1].Inputs[0]!.Node);
        Assert.Equal([1L, 2L], graph.Nodes[1].Inputs[1]!.Int64Values);
        Assert.Equal(2, graph.Nodes[1].Outputs.Count);
        Assert.Same(graph.Nodes[1].Outputs[1], graph.Nodes[2].Inputs[0]);
        Assert.Equal("axis=-1", graph.Nodes[1].Attributes[0].ToString());
        Assert.Equal((OnnxNodeAttributeKind.FloatFromOpAttribute, "scale"), (graph.Nodes[2].Attributes[0].Kind, graph.Nodes[2].Attributes[0].Text));
        Assert.Same(graph.Nodes[2].Outputs[0], graph.Output);
    }

    [Fact]
    public void AddingAnOpRunsItsLoweringSoAnUndeclaredAttributeOrInputFailsNamingTheOp()
    {
        var registrar = new PluginRegistrar("tests");
        var attribute = Assert.Throws<ArgumentException>(() => registrar.AddOp(Square(OnnxOpLowering.Compose(g => g.Op("Mul", g.Input(0), g.Attribute("beta"))))));
        Assert.Equal("Op 'square': the ONNX lowering reads attribute 'beta', but the op declares no attributes.", attribute.Message);

        var floatFrom = Assert.Throws<ArgumentException>(() => registrar.AddOp(Square(
            OnnxOpLowering.Compose(g => g.Op("Elu", [g.Input(0)], OnnxNodeAttribute.FloatFrom("alpha", "alpah"))),
            new Dictionary<string, double> { ["alpha"] = 1 })));
        Assert.Equal("Op 'square': the ONNX lowering reads attribute 'alpah', but the op declares only alpha.", floatFrom.Message);

        var input = Assert.Throws<ArgumentOutOfRangeException>(() => registrar.AddOp(Square(OnnxOpLowering.Compose(g => g.Op("Add", g.Input(0), g.Input(1))))));
        Assert.StartsWith("Op 'square': the ONNX lowering reads input 1, but the op has 1 input(s) (input).", input.Message);

        var named = Assert.Throws<ArgumentException>(() => registrar.AddOp(Square(OnnxOpLowering.Compose(g => g.Input("x")))));
        Assert.Equal("Op 'square': the ONNX lowering reads input 'x', but the op's inputs are input. (Parameter 'name')", named.Message);
        Assert.Empty(registrar.Ops);
    }

    [Fact]
    public void ALoweringMustReturnAValueOfItsOwnBuilder()
    {
        OnnxOpBuilder? first = null;
        var stray = OnnxOpLowering.Compose(g => (first ??= g).Input(0));
        stray.Record("square", ["input"], []);
        Assert.Contains("returned input 0 of another builder", Assert.Throws<ArgumentException>(() => stray.Record("square", ["input"], [])).Message);
        Assert.Contains("returned null", Assert.Throws<ArgumentException>(() => OnnxOpLowering.Compose(_ => null!).Record("square", ["input"], [])).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ai.onnx")]
    [InlineData("my domain")]
    public void AFunctionNeedsAUsableCustomDomain(string domain)
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxOpLowering.Function(g => g.Input(0), domain));
        Assert.Contains($"'{domain}' cannot be a custom domain", e.Message);
        var function = OnnxOpLowering.Function(g => g.Input(0), "com.example.ops", 3);
        Assert.Equal((OnnxLoweringKind.Function, "com.example.ops", 3), (function.Kind, function.Domain, function.DomainVersion));
        Assert.Null(OnnxOpLowering.Function(g => g.Input(0)).Domain); // the plugin's name, chosen at export
    }

    [Fact]
    public void ADefinitionBelongsToThePluginThatRegistersItAndNoOther()
    {
        var op = Square(null);
        Assert.Null(op.PluginName);
        new PluginRegistrar("first").AddOp(op);
        Assert.Equal("first", op.PluginName);
        var e = Assert.Throws<ArgumentException>(() => new PluginRegistrar("second").AddOp(op));
        Assert.Contains("already registered by plugin 'first'", e.Message);
    }

    [Fact]
    public void ACallIsTracedAsThePluginOpWithItsAttributesAfterItsFunction()
    {
        var op = Square(null, new Dictionary<string, double> { ["beta"] = 1, ["gamma"] = 3 });
        new PluginRegistrar("tests").AddOp(op);
        var x = Tensor.Randn([2, 3], generator: new Generator(1));
        Tensor y;
        using (var trace = Tracing.Start([x]))
        {
            y = op.Apply([x], new Dictionary<string, double> { ["beta"] = 2.5 });
            var last = trace.Ops[^1];
            Assert.Equal("tests::square", last.Name);
            Assert.True(PluginOpTrace.IsPluginOp(last));
            Assert.False(PluginOpTrace.IsPluginOp(trace.Ops[0])); // the Function's own report, which the exporter's resolution replaces
            var (plugin, name, attributes) = PluginOpTrace.Read(last);
            Assert.Equal(("tests", "square"), (plugin, name));
            Assert.Equal(new Dictionary<string, double> { ["beta"] = 2.5, ["gamma"] = 3 }, attributes);
            Assert.Same(y, last.Outputs.Single());
            Assert.Same(x, last.Inputs.Single());
        }
        Assert.Equal((x * x).ToDoubleArray(), y.ToDoubleArray());
        Assert.Contains("Op 'square' takes 1 input(s) (input), got 2.", Assert.Throws<ArgumentException>(() => op.Apply(x, x)).Message);
    }
}
