using System.Text.Json;

namespace MiniTorch.NN.Tests.Losses;

public class LossGoldenTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Golden.PathOf("losses.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    private static Loss Create(JsonElement c)
    {
        var cfg = c.GetProperty("config");
        var reduction = cfg.GetProperty("reduction").GetString() switch
        {
            "mean" => Reduction.Mean,
            "sum" => Reduction.Sum,
            _ => Reduction.None,
        };
        Tensor? weight = c.TryGetProperty("weight", out var w) ? Golden.Tensor(w) : null;
        int ignore = cfg.TryGetProperty("ignore_index", out var i) ? i.GetInt32() : -100;
        return cfg.GetProperty("loss").GetString() switch
        {
            "mse" => new MseLoss(reduction),
            "l1" => new L1Loss(reduction),
            "ce" => new CrossEntropyLoss(weight, ignore, reduction),
            "nll" => new NllLoss(weight, ignore, reduction),
            _ => new BceWithLogitsLoss(weight, c.TryGetProperty("pos_weight", out var pw) ? Golden.Tensor(pw) : null, reduction),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValueAndGradientMatchPyTorch(string name)
    {
        var c = Golden.Case("losses.json", name);
        var loss = Create(c);
        var x = Golden.Tensor(c.GetProperty("input"), requiresGrad: true);
        // Class-index targets (CE/NLL with the input's shape minus the class dim) are Int64, as PyTorch's.
        var target = Golden.Tensor(c, "target");
        if (loss is CrossEntropyLoss or NllLoss && !target.Shape.AsSpan().SequenceEqual(x.Shape))
        {
            target = Golden.Tensor(c, "target", DType.Int64);
        }
        var y = loss.Call(x, target);
        Check.Close(Golden.Tensor(c, "output"), y, 1e-12, 1e-10, $"{name} value");
        y.Backward(Golden.Tensor(c, "grad_output"));
        Check.Close(Golden.Tensor(c, "grad_input"), x.Grad!, 1e-12, 1e-10, $"{name} input grad");
    }

    [Fact]
    public void ExtremeLogitsStayFinite()
    {
        // exp(1000) overflows; LogSoftmax and the BCE formula never form it.
        var ce = new CrossEntropyLoss().Call(Tensor.FromArray(new[] { 1000f, -1000f, 0f }, [1, 3]), Tensor.FromArray(new[] { 1L }));
        Assert.Equal(2000f, ce.Item(), 3);
        var bce = new BceWithLogitsLoss(reduction: Reduction.None).Call(Tensor.FromArray(new[] { -200f, 200f }), Tensor.FromArray(new[] { 1f, 1f }));
        Assert.Equal(new[] { 200f, 0f }, bce.ToFloatArray());
    }
}
