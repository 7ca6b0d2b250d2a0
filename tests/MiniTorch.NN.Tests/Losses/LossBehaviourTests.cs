namespace MiniTorch.NN.Tests.Losses;

public class LossBehaviourTests
{
    [Fact]
    public void EveryLossPassesGradCheckAndGradGradCheck()
    {
        var gen = new Generator(21);
        var logits = Tensor.Randn([3, 4], DType.Float64, gen, requiresGrad: true);
        var labels = Tensor.IndexTensor(2, 0, 3);
        var weight = Tensor.FromArray(new[] { 0.5, 1.0, 2.0, 1.5 });
        var probs = Tensor.Randn([3, 4], DType.Float64, gen).Softmax(1);
        var target = Tensor.Randn([3, 4], DType.Float64, gen);
        var binary = Tensor.Rand([3, 4], DType.Float64, gen);
        var cases = new (string Name, Func<Tensor[], Tensor> F)[]
        {
            ("mse", t => new MseLoss().Call(t[0], target)),
            ("l1", t => new L1Loss(Reduction.Sum).Call(t[0], target)),
            ("ce", t => new CrossEntropyLoss(weight).Call(t[0], labels)),
            ("ce none ignore", t => new CrossEntropyLoss(ignoreIndex: 0, reduction: Reduction.None).Call(t[0], labels)),
            ("ce probabilities", t => new CrossEntropyLoss().Call(t[0], probs)),
            ("nll", t => new NllLoss(weight, reduction: Reduction.Sum).Call(t[0].LogSoftmax(1), labels)),
            // A non-contiguous input with an ignored target in the mean (PyTorch divides by the counted targets only).
            ("ce mean ignore transposed", t => new CrossEntropyLoss(weight.Narrow(0, 0, 3)).Call(t[0].T, Tensor.FromArray(new long[] { 2, -100, 0, 1 }))),
            ("nll mean ignore", t => new NllLoss(ignoreIndex: 1).Call(t[0].LogSoftmax(1), Tensor.FromArray(new long[] { 1, 3, 0 }))),
            ("bce", t => new BceWithLogitsLoss(posWeight: weight).Call(t[0], binary)),
        };
        foreach (var (name, f) in cases)
        {
            Assert.True(GradCheck.Check(f, [logits]), name);
            Assert.True(GradCheck.GradGradCheck(f, [logits]), name);
        }
    }

    [Fact]
    public void BceGradientAtZeroIsSigmoidMinusTarget()
    {
        var x = Tensor.Zeros([2], DType.Float64, requiresGrad: true);
        new BceWithLogitsLoss(reduction: Reduction.Sum).Call(x, Tensor.FromArray(new[] { 0.0, 1.0 })).Backward();
        Assert.Equal(new[] { 0.5, -0.5 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void CrossEntropyLabelErrorsNameTheLabelPositionAndClassCount()
    {
        var ce = new CrossEntropyLoss();
        var logits = Tensor.Zeros(4, 10);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => ce.Call(logits, Tensor.FromArray(new long[] { 1, 2, 10, 3 })));
        Assert.Contains("CrossEntropyLoss: target 10 at position [2] is out of bounds: class indices must be in [0, 9] for an input of 10 classes (shape [4, 10])", range.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => ce.Call(logits, Tensor.FromArray(new long[] { 1, -1, 0, 3 })));
        Assert.Contains("target -1 at position [1] is out of bounds", negative.Message);
        // Float class indices are refused, as PyTorch refuses them: "expected scalar type Long but found Float".
        var floats = Assert.Throws<ArgumentException>(() => ce.Call(logits, Tensor.FromArray(new float[] { 1, 2, 0, 3 })));
        Assert.Contains("CrossEntropyLoss: expected scalar type Long but found Float", floats.Message);
        Assert.Contains("class probabilities", floats.Message);
        var int32 = Tensor.FromArray(new long[] { 1, 2, 0, 3 }).To(DType.Int32);
        Assert.Contains("expected scalar type Long but found Int", Assert.Throws<ArgumentException>(() => ce.Call(logits, int32)).Message);
        var nll = Assert.Throws<ArgumentOutOfRangeException>(() => new NllLoss().Call(Tensor.Zeros(2, 3), Tensor.FromArray(new long[] { 0, 3 })));
        Assert.Contains("NllLoss: target 3 at position [1]", nll.Message);
    }

    [Fact]
    public void ShapeMismatchesNameBothShapes()
    {
        var shape = Assert.Throws<ArgumentException>(() => new CrossEntropyLoss().Call(Tensor.Zeros(4, 10), Tensor.Zeros(4, 1)));
        Assert.Contains("CrossEntropyLoss: expected target of shape [4] (class indices) or [4, 10] (class probabilities) for input of shape [4, 10], got [4, 1]", shape.Message);
        var mse = Assert.Throws<ArgumentException>(() => new MseLoss().Call(Tensor.Zeros(4, 1), Tensor.Zeros(4)));
        Assert.Contains("MseLoss: target size [4] must be the same as input size [4, 1]", mse.Message);
        Assert.Throws<ArgumentException>(() => new L1Loss().Call(Tensor.Zeros(3), Tensor.Zeros(2)));
        Assert.Throws<ArgumentException>(() => new BceWithLogitsLoss().Call(Tensor.Zeros(3, 1), Tensor.Zeros(3)));
        var weight = Assert.Throws<ArgumentException>(() => new CrossEntropyLoss(Tensor.Ones(3)).Call(Tensor.Zeros(2, 4), Tensor.Zeros(2)));
        Assert.Contains("expected a class weight of shape [4]", weight.Message);
        var scalar = Assert.Throws<ArgumentException>(() => new CrossEntropyLoss().Call(Tensor.Scalar(1), Tensor.Scalar(0)));
        Assert.Contains("got a 0-d tensor", scalar.Message);
    }

    [Fact]
    public void IgnoredTargetsContributeNothing()
    {
        var logits = Tensor.Randn([3, 4], DType.Float64, new Generator(2), requiresGrad: true);
        var loss = new CrossEntropyLoss(ignoreIndex: -1).Call(logits, Tensor.FromArray(new long[] { 2, -1, 1 }));
        var expected = new CrossEntropyLoss().Call(logits.Detach().IndexSelect(0, 0, 2), Tensor.FromArray(new long[] { 2, 1 }));
        Assert.Equal(expected.Item(), loss.Item(), 14);
        loss.Backward();
        Assert.All(logits.Grad!.Select(0, 1).ToDoubleArray(), g => Assert.Equal(0.0, g));
        var all = new CrossEntropyLoss().Call(Tensor.Zeros(2, 3), Tensor.FromArray(new long[] { -100, -100 }));
        Assert.True(double.IsNaN(all.Item()), "a mean over no counted targets is NaN, as in PyTorch");
    }
}
