namespace MiniTorch.NN.Tests.Modules;

public class ModuleTests
{
    /// <summary>A user-style model: a backbone Sequential, a head, a buffer and a non-persistent buffer.</summary>
    internal sealed class Net : Module
    {
        private readonly Sequential _backbone;
        private readonly Linear _head;

        public Net(Generator? g = null)
        {
            _backbone = RegisterModule("backbone", new Sequential(new Linear(4, 8, generator: g), new Relu(), new BatchNorm1d(8)));
            _head = RegisterModule("head", new Linear(8, 3, generator: g));
            RegisterParameter("scale", new Parameter(Tensor.Ones(1)));
            RegisterBuffer("steps", Tensor.Zeros(1));
            RegisterBuffer("cache", Tensor.Zeros(2), persistent: false);
        }

        public Sequential Backbone => _backbone;

        public Linear Head => _head;

        protected override Tensor Forward(Tensor input) => _head.Call(_backbone.Call(input)) * GetParameter("scale")!;
    }

    [Fact]
    public void NamedParametersUseDottedPathsInRegistrationOrder()
    {
        var net = new Net();
        Assert.Equal(
            ["scale", "backbone.0.weight", "backbone.0.bias", "backbone.2.weight", "backbone.2.bias", "head.weight", "head.bias"],
            net.NamedParameters().Select(p => p.Name));
        Assert.Equal(7, net.Parameters().Count);
        Assert.Equal(["scale"], net.NamedParameters(recurse: false).Select(p => p.Name));
        Assert.Equal(["model.scale", "model.backbone.0.weight"], net.NamedParameters("model").Take(2).Select(p => p.Name));
        Assert.Same(net.Head.Weight, net.GetParameter("head.weight"));
        Assert.Same(net.Backbone[0], net.GetSubmodule("backbone.0"));
    }

    [Fact]
    public void BuffersChildrenAndModules()
    {
        var net = new Net();
        Assert.Equal(["steps", "cache", "backbone.2.running_mean", "backbone.2.running_var", "backbone.2.num_batches_tracked"],
            net.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["backbone", "head"], net.NamedChildren().Select(c => c.Name));
        Assert.Equal(["", "backbone", "backbone.0", "backbone.1", "backbone.2", "head"], net.NamedModules().Select(m => m.Name));
        Assert.Equal(6, net.Modules().Count);
        Assert.Same(net, net.Modules()[0]);
        Assert.Equal(2, net.Children().Count);
        Assert.Same(net.GetBuffer("backbone.2.running_mean"), ((BatchNorm)net.Backbone[2]).RunningMean);
    }

    [Fact]
    public void SharedParametersAndModulesAreListedOnce()
    {
        var shared = new Linear(2, 2);
        var seq = new Sequential().Add("a", shared).Add("b", new Sequential(shared));
        Assert.Equal(["a.weight", "a.bias"], seq.NamedParameters().Select(p => p.Name));
        Assert.Equal(["", "a", "b"], seq.NamedModules().Select(m => m.Name));
        var tied = new Sequential(new Linear(3, 3), new Linear(3, 3));
        ((Linear)tied[1]).SetParameter("weight", ((Linear)tied[0]).Weight);
        Assert.Equal(3, tied.Parameters().Count);
        Assert.Same(((Linear)tied[0]).Weight, ((Linear)tied[1]).Weight);
    }

    [Fact]
    public void RegistrationErrors()
    {
        var net = new Net();
        var dup = Assert.Throws<ArgumentException>(() => net.RegisterParameter("scale", null));
        Assert.Contains("Net: attribute 'scale' already exists", dup.Message);
        Assert.Throws<ArgumentException>(() => net.RegisterBuffer("head", null));
        var dot = Assert.Throws<ArgumentException>(() => net.RegisterModule("a.b", new Relu()));
        Assert.Contains("must be non-empty and contain no '.'", dot.Message);
        Assert.Throws<ArgumentException>(() => net.RegisterModule("", new Relu()));
        Assert.Throws<ArgumentException>(() => net.RegisterModule("self", net));
        var missing = Assert.Throws<KeyNotFoundException>(() => net.GetParameter("head.scale"));
        Assert.Contains("Linear: has no parameter 'scale' (looking up 'head.scale'). Its parameters are: weight, bias.", missing.Message);
        Assert.Throws<KeyNotFoundException>(() => net.GetSubmodule("backbone.7"));
        Assert.Throws<KeyNotFoundException>(() => net.SetParameter("nope", null));
        Assert.Throws<KeyNotFoundException>(() => net.GetBuffer("backbone.nope"));
    }

    [Fact]
    public void ParameterIsALeafThatSharesTheDataItWraps()
    {
        var data = Tensor.FromArray(new float[] { 1, 2 });
        var p = new Parameter(data);
        Assert.True(p.RequiresGrad);
        Assert.True(p.IsLeaf);
        using (Autograd.NoGrad())
        {
            p.MulInPlace(3);
        }
        Assert.Equal(new float[] { 3, 6 }, data.ToFloatArray());
        Assert.False(new Parameter(data, requiresGrad: false).RequiresGrad);
        var fromGraph = new Parameter(Tensor.Ones([2], requiresGrad: true) * 2);
        Assert.True(fromGraph.IsLeaf);
        Assert.StartsWith("Parameter containing:", p.ToString());
    }

    private sealed class Sloppy : Module
    {
        private readonly Linear _hidden = new(3, 2); // deliberately not registered

        protected override Tensor Forward(Tensor input) => _hidden.Call(input);
    }

    [Fact]
    public void AnUnregisteredChildIsNamedAsSuchInErrors()
    {
        var e = Assert.Throws<ModuleInputException>(() => new Sequential(new Sloppy()).Call(Tensor.Zeros(1, 4)));
        Assert.Equal("0.<unregistered Linear> (Linear)", e.Module);
        Assert.Empty(new Sloppy().Parameters());
    }

    [Fact]
    public void ErrorsInsideNestedUserModulesNameTheFullPath()
    {
        var outer = new Sequential().Add("model", new Net());
        var e = Assert.Throws<ModuleInputException>(() => outer.Call(Tensor.Zeros(2, 5)));
        Assert.Equal("model.backbone.0 (Linear)", e.Module);
        // After an error the call stack is unwound: the next error is named from its own root.
        var alone = Assert.Throws<ModuleInputException>(() => new Net().Head.Call(Tensor.Zeros(1, 2)));
        Assert.Equal("Linear", alone.Module);
    }
}
