namespace MiniTorch.NN.Tests.Layers;

public class LinearTests
{
    [Theory]
    [InlineData("linear")]
    [InlineData("linear_3d")]
    public void ForwardAndBackwardMatchPyTorch(string name)
    {
        var c = Golden.Case("layers.json", name);
        var linear = new Linear(5, 3, dtype: DType.Float64);
        linear.LoadStateDict(Golden.Params(c));
        var x = Golden.Tensor(c.GetProperty("input"), requiresGrad: true);
        var y = linear.Call(x);
        Check.Close(Golden.Tensor(c, "output"), y, what: "output");
        y.Backward(Golden.Tensor(c, "grad_output"));
        var grads = c.GetProperty("grads");
        Check.Close(Golden.Tensor(grads, "input"), x.Grad!, what: "input grad");
        Check.Close(Golden.Tensor(grads, "weight"), linear.Weight.Grad!, what: "weight grad");
        Check.Close(Golden.Tensor(grads, "bias"), linear.Bias!.Grad!, what: "bias grad");
    }

    [Fact]
    public void ComputesXWTransposedPlusB()
    {
        var linear = new Linear(2, 2);
        using (Autograd.NoGrad())
        {
            linear.Weight.CopyFromInPlace(Tensor.FromArray(new float[] { 1, 2, 3, 4 }, [2, 2]));
            linear.Bias!.CopyFromInPlace(Tensor.FromArray(new float[] { 10, 20 }));
        }
        Assert.Equal(new float[] { 15, 31 }, linear.Call(Tensor.FromArray(new float[] { 1, 2 })).ToFloatArray());
        var noBias = new Linear(2, 1, bias: false);
        Assert.Null(noBias.Bias);
        Assert.Equal(["weight"], noBias.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void GradCheckAndGradGradCheck()
    {
        var linear = new Linear(3, 2, dtype: DType.Float64, generator: new Generator(4));
        var x = Tensor.Randn([2, 3], DType.Float64, new Generator(5), requiresGrad: true);
        Tensor[] inputs = [x, linear.Weight, linear.Bias!];
        Assert.True(GradCheck.Check(t => linear.Call(t[0]).Tanh(), inputs));
        Assert.True(GradCheck.GradGradCheck(t => linear.Call(t[0]).Tanh(), inputs));
    }

    [Fact]
    public void DefaultInitialisationIsSeededAndBounded()
    {
        var a = new Linear(16, 8, generator: new Generator(42));
        var b = new Linear(16, 8, generator: new Generator(42));
        var c = new Linear(16, 8, generator: new Generator(43));
        Assert.Equal(a.Weight.ToFloatArray(), b.Weight.ToFloatArray());
        Assert.Equal(a.Bias!.ToFloatArray(), b.Bias!.ToFloatArray());
        Assert.NotEqual(a.Weight.ToFloatArray(), c.Weight.ToFloatArray());
        Assert.All(a.Weight.ToFloatArray(), v => Assert.InRange(v, -0.25f, 0.25f)); // 1/√16
        Assert.All(a.Bias!.ToFloatArray(), v => Assert.InRange(v, -0.25f, 0.25f));
        Assert.True(a.Weight.RequiresGrad && a.Weight.IsLeaf);
    }

    [Fact]
    public void WrongFeatureCountNamesPathExpectedAndActualShapes()
    {
        var model = new Sequential()
            .Add("backbone", new Sequential(new Linear(784, 128), new Relu()))
            .Add("head", new Linear(128, 10));
        var e = Assert.Throws<ModuleInputException>(() => model.Call(Tensor.Zeros(64, 100)));
        Assert.Equal("backbone.0 (Linear): expected input of shape [*, 784], got [64, 100]. The last dimension must be InFeatures=784.", e.Message);
        Assert.Equal("backbone.0 (Linear)", e.Module);
        Assert.Equal("[*, 784]", e.Expected);
        Assert.Equal([64, 100], e.Actual);
        // Called on its own, the layer is named by its type.
        var alone = Assert.Throws<ModuleInputException>(() => new Linear(3, 1).Call(Tensor.Zeros(2)));
        Assert.StartsWith("Linear: expected input of shape [*, 3], got [2]", alone.Message);
        Assert.Equal("Linear(in_features=784, out_features=128, bias=True)", model.GetSubmodule("backbone.0").ToString());
    }

    [Theory]
    [InlineData(new[] { 7, 5 }, DType.Float32)]
    [InlineData(new[] { 2, 3, 5 }, DType.Float64)]
    [InlineData(new[] { 5 }, DType.Float32)]
    [InlineData(new[] { 7, 5 }, null)] // a float64 bias on float32 data: promoted, never added in place
    public void WithNothingToRecordTheBiasIsAddedInPlaceToTheSameBits(int[] shape, DType? biasDType)
    {
        var g = new Generator(12);
        var dtype = biasDType ?? DType.Float32;
        var x = Tensor.Randn(shape, generator: g).To(dtype);
        var w = Tensor.Randn([4, 5], generator: g).To(dtype);
        var b = Tensor.Randn([4], generator: g).To(biasDType ?? DType.Float64);
        var recorded = Functional.Linear(x, w.Detach().SetRequiresGrad(), b);
        Assert.NotNull(recorded.GradFn);
        Tensor inPlace;
        using (Autograd.NoGrad())
        using (var scope = TensorScope.Enter())
        {
            inPlace = Functional.Linear(x, w, b).MoveToOuterScope();
            // The fold's views and the weight's transpose are disposed: the output is the call's only tensor left, so
            // disposing it gives its array back to the pool (a promoted bias leaves the Add's own converted operand).
            Assert.Equal(biasDType is null ? 1 : 0, scope.OwnedCount);
        }
        Assert.Equal(recorded.DType, inPlace.DType);
        Assert.Equal(recorded.Shape.ToArray(), inPlace.Shape.ToArray());
        var (expected, actual) = (recorded.ToDoubleArray(), inPlace.ToDoubleArray());
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i]), BitConverter.DoubleToInt64Bits(actual[i]));
        }
        Assert.Equal(0, b.Version); // the bias itself is never written
        Assert.Equal(biasDType is null ? 0 : 1, inPlace.Version); // added into the product, unless promoted
    }
}
