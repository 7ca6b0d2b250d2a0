using Digits;

namespace MiniTorch.Examples.Tests.Digits;

public class ModelsTests
{
    [Fact]
    public void MlpMapsImagesToTenLogitsWithTheLayersParameters()
    {
        var model = Models.Mlp(new Generator(0));
        Assert.Equal([5, 10], model.Call(Tensor.Rand([5, 1, 8, 8], generator: new Generator(1))).Shape);
        // 64→128, 128→64, 64→10, each with a bias.
        Assert.Equal(64 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, model.Parameters().Sum(p => p.Numel));
    }

    [Fact]
    public void CnnMapsImagesToTenLogitsWithTheLayersParameters()
    {
        var model = Models.Cnn(new Generator(0));
        Assert.Equal([5, 10], model.Call(Tensor.Rand([5, 1, 8, 8], generator: new Generator(1))).Shape);
        int conv = 16 * 1 * 9 + 16 + 32 * 16 * 9 + 32;
        int batchNorm = 2 * 16 + 2 * 32;
        int linear = 128 * 64 + 64 + 64 * 10 + 10;
        Assert.Equal(conv + batchNorm + linear, model.Parameters().Sum(p => p.Numel));
    }

    [Fact]
    public void TheSameGeneratorSeedGivesTheSameInitialWeights()
    {
        var a = Models.Cnn(new Generator(7)).Parameters();
        var b = Models.Cnn(new Generator(7)).Parameters();
        var c = Models.Cnn(new Generator(8)).Parameters();
        Assert.Equal(a[0].ToFloatArray(), b[0].ToFloatArray());
        Assert.NotEqual(a[0].ToFloatArray(), c[0].ToFloatArray());
    }
}
