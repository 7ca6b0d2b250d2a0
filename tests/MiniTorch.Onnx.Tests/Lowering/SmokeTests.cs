using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Lowering;

public class SmokeTests
{
    [Fact]
    public void ReluPlusScalar()
    {
        var model = RoundTrip.Check(x => (x.Relu() + 1) * 2, b => RoundTrip.Randn(b, b, 4));
        Assert.Equal(["Relu", "Add", "Mul"], RoundTrip.OpTypes(model));
    }

    [Fact]
    public void Mlp()
    {
        var model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
        var onnx = RoundTrip.Check(model, b => RoundTrip.Randn(b, b, 4));
        Assert.Equal(["Gemm", "Relu", "Gemm"], RoundTrip.OpTypes(onnx));
    }
}
