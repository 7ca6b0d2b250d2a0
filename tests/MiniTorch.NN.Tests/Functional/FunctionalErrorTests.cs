using F = MiniTorch.NN.Functional;

// Not MiniTorch.NN.Tests.Functional: a namespace of that name would hide the Functional class in every test.
namespace MiniTorch.NN.Tests;

/// <summary>The functional forms check their arguments too, naming the op and the shapes.</summary>
public class FunctionalErrorTests
{
    [Fact]
    public void ConvolutionAndPooling()
    {
        // PyTorch's conv2d and pools accept an unbatched (C, H, W) input; other ranks are errors.
        Assert.Equal([1, 2, 2], F.Conv2d(Tensor.Zeros(2, 4, 4), Tensor.Zeros(1, 2, 3, 3)).Shape);
        var rank = Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(2, 2, 2, 4, 4), Tensor.Zeros(1, 2, 3, 3)));
        Assert.Contains("Conv2d: expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size [2, 2, 2, 4, 4]", rank.Message);
        var weight = Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 2, 4, 4), Tensor.Zeros(2, 3, 3)));
        Assert.Contains("Conv2d: expected a 4-D weight (O, C / groups, kh, kw), but got weight of size [2, 3, 3]", weight.Message);
        var pool = Assert.Throws<ArgumentException>(() => F.MaxPool2d(Tensor.Zeros(4, 4), 2));
        Assert.Contains("MaxPool2d: expected 3D or 4D (batch mode) tensor, but got input of shape [4, 4]", pool.Message);
        var pad = Assert.Throws<ArgumentException>(() => F.AvgPool2d(Tensor.Zeros(1, 1, 4, 4), 2, padding: 2));
        Assert.Contains("AvgPool2d: pad should be at most half of the kernel size, but got padding (2, 2) for kernel (2, 2)", pad.Message);
    }

    [Fact]
    public void Normalization()
    {
        Assert.Contains("expected an input of shape (N, C, *), got [3]",
            Assert.Throws<ArgumentException>(() => F.BatchNorm(Tensor.Zeros(3), null, null, training: true)).Message);
        Assert.Contains("expected runningMean of shape [3] for an input with 3 channels, got [2]",
            Assert.Throws<ArgumentException>(() => F.BatchNorm(Tensor.Zeros(2, 3), Tensor.Zeros(2), Tensor.Ones(3))).Message);
        Assert.Contains("runningMean and runningVar are needed when training is false",
            Assert.Throws<ArgumentException>(() => F.BatchNorm(Tensor.Zeros(2, 3), null, null)).Message);
        Assert.Contains("given normalizedShape=[3], expected input with shape [*, 3], but got input of size [2, 4]",
            Assert.Throws<ArgumentException>(() => F.LayerNorm(Tensor.Zeros(2, 4), [3])).Message);
        Assert.Contains("expected weight of shape [4], got [3]",
            Assert.Throws<ArgumentException>(() => F.LayerNorm(Tensor.Zeros(2, 4), [4], Tensor.Ones(3))).Message);
    }

    [Fact]
    public void BatchNormFunctionalUpdatesGivenStatisticsOnlyInTraining()
    {
        var mean = Tensor.Zeros(2);
        var variance = Tensor.Ones(2);
        var x = Tensor.FromArray(new float[] { 0, 10, 2, 30 }, [2, 2]);
        F.BatchNorm(x, mean, variance, training: true, momentum: 0.5);
        Check.Close(new[] { 0.5, 10 }, mean, 1e-6);
        Check.Close(new[] { 0.5 + 0.5 * 2, 0.5 + 0.5 * 200 }, variance, 1e-4); // unbiased variances 2 and 200
        F.BatchNorm(x, mean, variance);
        Check.Close(new[] { 0.5, 10 }, mean, 1e-6);
    }

    [Fact]
    public void EmbeddingAndDropout()
    {
        Assert.Contains("Embedding: expected a 2-D weight [numEmbeddings, embeddingDim], got [4]",
            Assert.Throws<ArgumentException>(() => F.Embedding(Tensor.Zeros(1), Tensor.Zeros(4))).Message);
        Assert.Contains("dropout probability has to be between 0 and 1, but got -0.1",
            Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(Tensor.Zeros(1), -0.1)).Message);
        var x = Tensor.Ones(3);
        Assert.Same(x, F.Dropout(x, 0.5, training: false));
        Assert.Same(x, F.Dropout(x, 0));
    }

    [Fact]
    public void LayerConstructors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(-1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(0));
        Assert.Contains("momentum in [0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(2, momentum: 1.5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2d(2, eps: 0));
        Assert.Contains("normalizedShape must be non-empty with positive sizes", Assert.Throws<ArgumentException>(() => new LayerNorm(Array.Empty<int>())).Message);
        Assert.Throws<ArgumentException>(() => new LayerNorm(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AvgPool2d(2, stride: (1, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MseLoss((Reduction)7));
    }
}
