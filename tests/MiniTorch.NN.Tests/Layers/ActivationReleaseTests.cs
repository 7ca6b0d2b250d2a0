namespace MiniTorch.NN.Tests.Layers;

/// <summary>
/// <see cref="Sequential"/> gives an activation passed between two built-in layers back to the pool once consumed,
/// under no-grad only, and never one that user code could still read: the Sequential's input, what a user module made
/// or was given, anything a graph, trace or tangent holds.
/// </summary>
public class ActivationReleaseTests
{
    /// <summary>A user module that keeps what it is given, as user code may.</summary>
    private sealed class Keep : Module
    {
        public Tensor? Seen { get; private set; }

        protected override Tensor Forward(Tensor input)
        {
            Seen = input;
            return input * 2;
        }
    }

    private static Sequential Mlp(int seed) => new(
        new Linear(6, 8, generator: new Generator(seed)), new Relu(), new Linear(8, 8, generator: new Generator(seed + 1)), new Tanh(),
        new Dropout(0.5), new Flatten(), new Linear(8, 3, generator: new Generator(seed + 2)));

    [Fact]
    public void UnderNoGradTheIntermediatesAreGivenBackAndTheOutputIsTheModulesOne()
    {
        var model = Mlp(1);
        model.Eval();
        var x = Tensor.Randn([5, 6], generator: new Generator(4));
        int chainOwned, sequentialOwned;
        Tensor expected, actual;
        using (Autograd.NoGrad())
        {
            using (var scope = TensorScope.Enter())
            {
                expected = model.Aggregate(x, (t, m) => m.Call(t)).MoveToOuterScope();
                chainOwned = scope.OwnedCount;
            }
            using (var scope = TensorScope.Enter())
            {
                actual = model.Call(x).MoveToOuterScope();
                sequentialOwned = scope.OwnedCount;
            }
        }
        Check.Close(expected, actual, 0, 0);
        Assert.False(x.IsDisposed);
        // Seven children make six activations between them; Dropout in eval returns its input itself, so five
        // distinct tensors, each released once its consumer has run.
        Assert.Equal(5, chainOwned - sequentialOwned);
    }

    [Fact]
    public void ATokenWiseMlpLeavesOnlyItsOutput()
    {
        // Linear on a 3-D input folds it into rows and reshapes the product back: those views are the call's own and
        // disposed, so each activation is its array's only view and goes back to the pool when released.
        var model = new Sequential(new Linear(16, 32, generator: new Generator(12)), new Gelu(), new Linear(32, 16, generator: new Generator(13)));
        var x = Tensor.Randn([2, 5, 16], generator: new Generator(14));
        using (Autograd.NoGrad())
        using (var scope = TensorScope.Enter())
        {
            var y = model.Call(x);
            Assert.Equal(1, scope.OwnedCount);
            Check.Close(model[2].Call(model[1].Call(model[0].Call(x))), y, 0, 0);
        }
    }

    [Fact]
    public void WithGradientsNothingIsReleased()
    {
        var model = Mlp(2);
        var x = Tensor.Randn([5, 6], generator: new Generator(5));
        int chainOwned, sequentialOwned;
        using (var scope = TensorScope.Enter())
        {
            model.Aggregate(x, (t, m) => m.Call(t));
            chainOwned = scope.OwnedCount;
        }
        using (var scope = TensorScope.Enter())
        {
            var y = model.Call(x);
            sequentialOwned = scope.OwnedCount;
            y.Sum().Backward(); // the graph's saved activations are all still readable
        }
        Assert.Equal(chainOwned, sequentialOwned);
        Assert.NotNull(((Linear)model[0]).Weight.Grad);
    }

    [Fact]
    public void WhatAUserModuleIsGivenOrMakesIsKept()
    {
        var first = new Keep();
        var last = new Keep();
        var model = new Sequential(first, new Relu(), new Linear(4, 4, generator: new Generator(3)), last);
        var x = Tensor.Randn([2, 4], generator: new Generator(6));
        using (Autograd.NoGrad())
        {
            var y = model.Call(x);
            Check.Close(last.Seen! * 2, y, 0, 0); // the Linear's output, given to a user module, is readable
            Assert.False(first.Seen!.IsDisposed);
        }
    }

    /// <summary>A user module that returns one of its parameters.</summary>
    private sealed class Constant : Module
    {
        public Constant() => RegisterParameter("value", new Parameter(Tensor.Ones([2, 4])));

        public Tensor Value => GetParameter("value")!;

        protected override Tensor Forward(Tensor input) => Value;
    }

    [Fact]
    public void APassThroughLayerDoesNotMakeAUserModulesTensorReleasable()
    {
        // Identity, Dropout in eval and an empty Sequential return their input: the tensor still belongs to the user
        // module before them, which may keep it (a parameter, a captured feature map).
        var x = Tensor.Randn([2, 4], generator: new Generator(9));
        foreach (var passThrough in new Module[] { new Identity(), new Dropout(0.3), new Sequential() })
        {
            passThrough.Eval();
            var constant = new Constant();
            var model = new Sequential(constant, passThrough, new Linear(4, 3, generator: new Generator(10)));
            using (Autograd.NoGrad())
            {
                var first = model.Call(x);
                Check.Close(first, model.Call(x), 0, 0); // the parameter is still readable on the second call
            }
            Assert.False(constant.Value.IsDisposed);

            var keep = new Keep();
            var captured = new Sequential(new Linear(4, 4, generator: new Generator(11)), keep, passThrough, new Relu());
            using (Autograd.NoGrad())
            {
                var y = captured.Call(x);
                Check.Close(keep.Seen!.Relu() * 2, y, 0, 0);
            }
        }
    }

    [Fact]
    public void TheRuleReleasesOnlyBetweenBuiltInLayersWithNothingRecording()
    {
        var (relu, linear, keep) = (new Relu(), new Linear(2, 2), new Keep());
        var input = Tensor.Randn([2, 2], generator: new Generator(7));
        using (Autograd.NoGrad())
        {
            Assert.True(Release(relu, linear));
            Assert.False(Release(keep, linear));
            Assert.False(Release(relu, keep));
            Assert.False(Release(new Sequential(relu, keep), linear));
            Assert.True(Release(new Sequential(relu, new Sequential(linear)), linear));
            var t = input.Relu();
            Assert.False(ActivationRelease.AfterConsumed(input, t, input, relu, linear)); // the Sequential's input
            Assert.False(ActivationRelease.AfterConsumed(t, t, input, relu, linear));     // returned as it was
            Assert.False(t.IsDisposed);
            using (Tracing.Start([input]))
            {
                Assert.False(Release(relu, linear));
            }
            using (ForwardAD.Enter())
            {
                Assert.False(Release(relu, linear));
            }
        }
        Assert.False(Release(relu, linear)); // gradients on

        bool Release(Module producer, Module consumer)
        {
            var consumed = input.Relu();
            bool released = ActivationRelease.AfterConsumed(consumed, consumed + 1, input, producer, consumer);
            Assert.Equal(released, consumed.IsDisposed);
            return released;
        }
    }
}
