using MiniTorch.Optim.Tests.Support;

namespace MiniTorch.Optim.Tests.Clipping;

/// <summary>Replays torch.nn.utils.clip_grad_norm_ and clip_grad_value_ results recorded from PyTorch 1.13.</summary>
public class ClippingGoldenTests
{
    private const string File = "clipping.json";

    public static TheoryData<string> CaseNames => Golden.Names(File);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name)
    {
        var c = Golden.Case(File, name);
        var dtype = Golden.DTypeOf(c);
        var shapes = c.GetProperty("shapes").EnumerateArray().Select(Golden.Ints).ToArray();
        var grads = c.GetProperty("grads").EnumerateArray().ToArray();
        var parameters = shapes.Select((s, i) =>
        {
            var p = Tensor.Zeros(s, dtype, requiresGrad: true);
            p.Grad = Golden.TensorOf(grads[i], s, dtype);
            return p;
        }).ToArray();
        double rtol = Assertions.RelativeTolerance(dtype);
        if (c.GetProperty("kind").GetString() == "norm")
        {
            var normType = c.GetProperty("normType");
            double p = normType.ValueKind == System.Text.Json.JsonValueKind.String ? double.PositiveInfinity : normType.GetDouble();
            var total = GradClipping.ClipGradNorm(parameters, c.GetProperty("maxNorm").GetDouble(), p);
            Assert.Equal(dtype, total.DType);
            Assertions.Close([c.GetProperty("total").GetDouble()], [total.Item()], rtol, 0, $"{name}: total norm");
        }
        else
        {
            GradClipping.ClipGradValue(parameters, c.GetProperty("clipValue").GetDouble());
        }
        var clipped = c.GetProperty("clipped").EnumerateArray().ToArray();
        for (int i = 0; i < parameters.Length; i++)
        {
            Assertions.Close(Golden.Doubles(clipped[i]), parameters[i].Grad!.ToDoubleArray(), rtol, Assertions.AbsoluteTolerance(dtype), $"{name}: gradient {i},");
        }
    }
}
