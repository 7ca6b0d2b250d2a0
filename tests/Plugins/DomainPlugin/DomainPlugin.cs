using MiniTorch;
using MiniTorch.Plugins;

namespace DomainPlugin;

/// <summary>
/// A plugin whose op is lowered as an ONNX function in a domain of its own choosing (not the plugin's name), at domain
/// version 2, passing one attribute to an ONNX operator's float attribute: what the ONNX import tests need beyond the
/// sample plugin, whose functions live in the default domain (its name) at version 1.
/// </summary>
[MiniTorchPlugin("scaled-ops", "2.1.0", "[0.1, 1.0)")]
public sealed class DomainPlugin : IMiniTorchPlugin
{
    public void Register(PluginRegistrar registrar) => registrar.AddOp(new OpDefinition
    {
        Name = "scaled_leaky_relu",
        Description = "scale · leaky_relu(x, slope)",
        Inputs = ["input"],
        Attributes = new Dictionary<string, double> { ["slope"] = 0.125, ["scale"] = 2 },
        Create = a => new ScaledLeakyRelu(a["slope"], a["scale"]),
        // Slopes a float holds exactly: the slope is an ONNX FLOAT, so ONNX Runtime computes with it rounded to 32 bits.
        Samples = [new OpSample([3, 4]), new OpSample([5]) { Attributes = new Dictionary<string, double> { ["slope"] = 0.375, ["scale"] = -1.5 } }],
        // slope is passed to an ONNX operator's float attribute (a Constant's value_float: ONNX Runtime's CPU LeakyRelu
        // has no float64 kernel), so the node carries it as an ONNX FLOAT; scale is a scalar of the op's dtype.
        OnnxLowering = OnnxOpLowering.Function(
            g =>
            {
                var x = g.Input(0);
                var slope = g.Op("CastLike", g.Op("Constant", Array.Empty<OnnxValue?>(), OnnxNodeAttribute.FloatFrom("value_float", "slope")), x);
                var leaky = g.Op("Where", g.Op("Greater", x, g.Constant(0)), x, g.Op("Mul", x, slope));
                return g.Op("Mul", leaky, g.Attribute("scale"));
            },
            domain: "com.example.scaled",
            domainVersion: 2),
    });

    private sealed class ScaledLeakyRelu(double slope, double scale) : Function
    {
        public override string Name => "ScaledLeakyRelu";

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0].LeakyRelu(slope) * scale;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var x = ctx.SavedTensors[0];
            return [Tensor.Where(x.Gt(0), gradOutput * scale, gradOutput * (scale * slope))];
        }
    }
}
