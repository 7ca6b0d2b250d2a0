using MiniTorch.NN;
using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Contract;

/// <summary>A definition is checked when it is added, so a plugin's mistake surfaces at load time with the op's name.</summary>
public class PluginRegistrarTests
{
    private static readonly PluginRegistrar Registrar = new("tests");

    private static OpDefinition Op(string name = "square", IReadOnlyList<string>? inputs = null, IReadOnlyList<OpSample>? samples = null, IReadOnlyDictionary<string, double>? attributes = null) => new()
    {
        Name = name,
        Inputs = inputs ?? ["input"],
        Create = _ => new TestFunctions.Square(),
        Samples = samples ?? [new OpSample([2, 3])],
        Attributes = attributes ?? new Dictionary<string, double>(),
    };

    [Fact]
    public void AcceptsAConsistentOpAndKeepsIt()
    {
        var registrar = new PluginRegistrar("tests");
        registrar.AddOp(Op(attributes: new Dictionary<string, double> { ["beta"] = 1 }));
        Assert.Equal("square", Assert.Single(registrar.Ops).Name);
        Assert.Equal("tests", registrar.PluginName);
    }

    [Theory]
    [InlineData("Square")]
    [InlineData("linear-gelu")]
    [InlineData("2x")]
    [InlineData("")]
    public void RejectsOpNamesThatAreNotSnakeCase(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(name)));
        Assert.Contains($"op name '{name}' is not valid", e.Message);
        Assert.Contains("lower-case letters, digits and '_'", e.Message);
    }

    [Fact]
    public void RejectsTheSameOpTwice()
    {
        var registrar = new PluginRegistrar("tests");
        registrar.AddOp(Op());
        var e = Assert.Throws<ArgumentException>(() => registrar.AddOp(Op()));
        Assert.Contains("Op 'square' is added twice", e.Message);
    }

    [Fact]
    public void RejectsMissingOrRepeatedInputNames()
    {
        Assert.Contains("Inputs must name each tensor input once", Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(inputs: []))).Message);
        Assert.Contains("Inputs must name each tensor input once", Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(inputs: ["x", "x"], samples: [new OpSample([2], [2])]))).Message);
    }

    [Fact]
    public void RejectsAnOpWithoutSamples()
    {
        var e = Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(samples: [])));
        Assert.Contains("Op 'square': has no samples; validation needs at least one", e.Message);
    }

    [Fact]
    public void RejectsASampleWithTheWrongNumberOfShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(samples: [new OpSample([2, 3]), new OpSample([2], [3])])));
        Assert.Contains("Op 'square': sample 1 has 2 input shape(s) but the op takes 1 (input)", e.Message);
    }

    [Fact]
    public void RejectsASampleWithAnEmptyDimension()
    {
        var e = Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(samples: [new OpSample([2, 0])])));
        Assert.Contains("sample 0 has the shape [2, 0]", e.Message);
    }

    [Fact]
    public void RejectsASampleAttributeTheOpDoesNotDeclare()
    {
        var sample = new OpSample([2]) { Attributes = new Dictionary<string, double> { ["bta"] = 2 } };
        var e = Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(samples: [sample], attributes: new Dictionary<string, double> { ["beta"] = 1 })));
        Assert.Contains("has no attribute 'bta'; its attributes are: beta", e.Message);
    }

    [Fact]
    public void RejectsAttributeNamesThatAreNotCamelCase()
    {
        var e = Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(attributes: new Dictionary<string, double> { ["in_features"] = 1 })));
        Assert.Contains("attribute name 'in_features' is not valid", e.Message);
    }

    [Fact]
    public void RejectsDifferentiableFlagsThatDoNotFitTheInputs()
    {
        var wrongCount = new OpSample([2]) { Differentiable = [true, false] };
        Assert.Contains("marks 2 input(s)", Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(samples: [wrongCount]))).Message);
        var none = new OpSample([2]) { Differentiable = [false] };
        Assert.Contains("at least one must be differentiable", Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(samples: [none]))).Message);
    }

    [Fact]
    public void RejectsAnEmptyValueRange()
    {
        var sample = new OpSample([2]) { ValueRange = (1, 1) };
        Assert.Contains("value range (1, 1)", Assert.Throws<ArgumentException>(() => Registrar.AddOp(Op(samples: [sample]))).Message);
    }

    [Fact]
    public void RejectsModuleNamesThatAreNotTypeNames()
    {
        var module = new ModuleDefinition { Name = "mish", Create = _ => new Relu(), Samples = [new ModuleSample([2])] };
        var e = Assert.Throws<ArgumentException>(() => Registrar.AddModule(module));
        Assert.Contains("module name 'mish' is not valid", e.Message);
    }

    [Fact]
    public void RejectsAModuleAttributeThatIsBothRequiredAndDefaulted()
    {
        var module = new ModuleDefinition
        {
            Name = "Layer",
            Create = _ => new Relu(),
            Attributes = new Dictionary<string, double> { ["size"] = 3 },
            RequiredAttributes = ["size"],
            Samples = [new ModuleSample([2])],
        };
        Assert.Contains("attribute 'size' is both required and has a default", Assert.Throws<ArgumentException>(() => Registrar.AddModule(module)).Message);
    }

    [Fact]
    public void RejectsAModuleSampleWithoutARequiredAttribute()
    {
        var module = new ModuleDefinition { Name = "Layer", Create = _ => new Relu(), RequiredAttributes = ["inFeatures"], Samples = [new ModuleSample([2])] };
        var e = Assert.Throws<ArgumentException>(() => Registrar.AddModule(module));
        Assert.Contains("Module 'Layer' sample 0 needs the attribute 'inFeatures'", e.Message);
    }

    [Fact]
    public void RejectsAModuleWithoutSamplesAndTheSameModuleTwice()
    {
        Assert.Contains("has no samples", Assert.Throws<ArgumentException>(() => Registrar.AddModule(new ModuleDefinition { Name = "Layer", Create = _ => new Relu(), Samples = [] })).Message);
        var registrar = new PluginRegistrar("tests");
        var module = new ModuleDefinition { Name = "Layer", Create = _ => new Relu(), Samples = [new ModuleSample([2])] };
        registrar.AddModule(module);
        Assert.Contains("Module 'Layer' is added twice", Assert.Throws<ArgumentException>(() => registrar.AddModule(module)).Message);
    }
}
