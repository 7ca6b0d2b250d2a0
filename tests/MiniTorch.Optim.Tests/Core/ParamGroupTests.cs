namespace MiniTorch.Optim.Tests.Core;

public class ParamGroupTests
{
    [Fact]
    public void TypedPropertiesReadAndWriteNamedOptions()
    {
        var group = new ParamGroup([Tensor.Zeros(2)]) { Lr = 0.1, Momentum = 0.9, Nesterov = true, Betas = (0.8, 0.95) };
        Assert.Equal(0.1, group["Lr"]);
        Assert.Equal(0.9, group.Momentum);
        Assert.True(group.Nesterov);
        Assert.Equal(1, group["Nesterov"]);
        Assert.Equal((0.8, 0.95), group.Betas);
        Assert.Equal(0.95, group["Beta2"]);
        group["Custom"] = 3;
        Assert.True(group.HasOption("Custom"));
        Assert.False(group.HasOption("Eps"));
        Assert.Equal(6, group.Options.Count);
        Assert.Equal("ParamGroup(1 parameters; Lr=0.1, Momentum=0.9, Nesterov=1, Beta1=0.8, Beta2=0.95, Custom=3)", group.ToString());
    }

    [Fact]
    public void ReadingAMissingOptionNamesTheOptionsThatAreSet()
    {
        var group = new ParamGroup([Tensor.Zeros(2)]) { Lr = 0.1 };
        var e = Assert.Throws<KeyNotFoundException>(() => group.Momentum);
        Assert.StartsWith("ParamGroup has no option 'Momentum' (options set: Lr).", e.Message);
        Assert.Contains("filled in from the optimizer's defaults", e.Message);
        Assert.Contains("options set: none", Assert.Throws<KeyNotFoundException>(() => new ParamGroup([]).Lr).Message);
    }

    [Fact]
    public void ParametersAreTakenOnceFromALazySequence()
    {
        int enumerations = 0;
        IEnumerable<Tensor> Lazy()
        {
            enumerations++;
            yield return Tensor.Zeros(1);
            yield return Tensor.Zeros(2);
        }
        var group = new ParamGroup(Lazy());
        Assert.Equal(2, group.Params.Count);
        Assert.Equal(2, group.Params.Count);
        Assert.Equal(1, enumerations);
        Assert.Throws<ArgumentNullException>(() => new ParamGroup(null!));
    }
}
