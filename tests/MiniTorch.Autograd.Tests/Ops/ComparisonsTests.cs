using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Eq, Ne, Lt, Le, Gt, Ge (tensor, scalar and operator forms) and AllClose.</summary>
public class ComparisonsTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Compare_TensorForms_GiveBoolMasks(DType dtype)
    {
        var a = Make(dtype, [2, 1], 1, 2);
        var b = Make(dtype, [3], 0, 1, 2);
        AssertValues(a.Eq(b), [2, 3], 0, 1, 0, 0, 0, 1);
        AssertValues(a.Ne(b), [2, 3], 1, 0, 1, 1, 1, 0);
        AssertValues(a.Lt(b), [2, 3], 0, 0, 1, 0, 0, 0);
        AssertValues(a.Le(b), [2, 3], 0, 1, 1, 0, 0, 1);
        AssertValues(a.Gt(b), [2, 3], 1, 0, 0, 1, 1, 0);
        AssertValues(a.Ge(b), [2, 3], 1, 1, 0, 1, 1, 1);
        Assert.Equal(DType.Bool, a.Eq(b).DType);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Compare_ScalarAndOperatorForms(DType dtype)
    {
        var x = Make(dtype, [3], -1, 0.5, 2);
        var y = Make(dtype, [3], 0, 0.5, 1);
        AssertValues(x.Eq(0.5), [3], 0, 1, 0);
        AssertValues(x.Ne(0.5), [3], 1, 0, 1);
        AssertValues(x.Lt(0.5), [3], 1, 0, 0);
        AssertValues(x.Le(0.5), [3], 1, 1, 0);
        AssertValues(x.Gt(0.5), [3], 0, 0, 1);
        AssertValues(x.Ge(0.5), [3], 0, 1, 1);
        AssertValues(x < y, [3], 1, 0, 0);
        AssertValues(x <= y, [3], 1, 1, 0);
        AssertValues(x > y, [3], 0, 0, 1);
        AssertValues(x >= y, [3], 0, 1, 1);
        AssertValues(x < 0.5, [3], 1, 0, 0);
        AssertValues(x > 0.5, [3], 0, 0, 1);
        AssertValues(x <= 0.5, [3], 1, 1, 0);
        AssertValues(x >= 0.5, [3], 0, 1, 1);
        // Scalar on the left mirrors the relation: s < x is x > s.
        AssertValues(0.5 < x, [3], 0, 0, 1);
        AssertValues(0.5 > x, [3], 1, 0, 0);
        AssertValues(0.5 <= x, [3], 0, 1, 1);
        AssertValues(0.5 >= x, [3], 1, 1, 0);
    }

    [Fact]
    public void Compare_NaN_IsUnequalToEverything_AsIEEE754AndPyTorch()
    {
        var x = Tensor.FromArray([double.NaN, 1], [2]);
        AssertValues(x.Eq(x), [2], 0, 1);
        AssertValues(x.Ne(x), [2], 1, 0);
        AssertValues(x.Lt(5), [2], 0, 1);
        AssertValues(x.Ge(-5), [2], 0, 1);
    }

    [Fact]
    public void Compare_NonContiguousOperands()
    {
        var m = Tensor.FromArray([1.0, 2, 3, 4], [2, 2]);
        // m.T = [[1, 3], [2, 4]]
        AssertValues(m.T.Gt(m), [2, 2], 0, 1, 0, 0);
        AssertValues(m.T.Eq(m), [2, 2], 1, 0, 0, 1);
    }

    [Fact]
    public void Compare_ResultIsAMaskThatCarriesNoGradient()
    {
        var x = Tensor.FromArray([1.0, 2], [2], requiresGrad: true);
        var mask = x.Gt(1.5);
        Assert.False(mask.RequiresGrad);
        Assert.Null(mask.GradFn);
        // Multiplying by a mask passes the gradient through only where it is 1.
        AssertValues(GradOf(t => t * t.Gt(1.5), x), [2], 0, 1);
    }

    [Fact]
    public void AllClose_UsesAtolPlusRtolTimesOther()
    {
        var a = Tensor.FromArray([1.0, 100], [2]);
        Assert.True(a.AllClose(Tensor.FromArray([1.0 + 5e-9, 100.0005], [2])));
        Assert.False(a.AllClose(Tensor.FromArray([1.0 + 5e-5, 100], [2])));
        Assert.True(a.AllClose(Tensor.FromArray([1.1, 110], [2]), rtol: 0.1));
        Assert.False(a.AllClose(Tensor.FromArray([1.0, 100, 0], [3])));
        var inf = Tensor.FromArray([double.PositiveInfinity], [1]);
        Assert.True(inf.AllClose(inf));
        Assert.False(Tensor.FromArray([double.NaN], [1]).AllClose(Tensor.FromArray([double.NaN], [1])));
    }

    public static TheoryData<string> Names() => new() { "Eq", "Ne", "Lt", "Le", "Gt", "Ge" };

    [Theory]
    [MemberData(nameof(Names))]
    public void Compare_ShapesThatDoNotBroadcast_Throw(string name)
    {
        var a = Tensor.Zeros(2, 3);
        var b = Tensor.Zeros(4);
        AssertThrows<ArgumentException>(() => Apply(name, a, b), $"{name}:", "[2, 3]", "[4]", "cannot be broadcast");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Compare_MixedDTypes_CompareInTheResultType(string name)
    {
        // 0.1f widened to float64 is not 0.1: the comparison happens in float64, as torch.result_type says.
        var a = Tensor.FromArray(new float[] { 0.1f, 1f }, [2]);
        var b = Tensor.FromArray([0.1, 1.0], [2]);
        var r = Apply(name, a, b);
        Assert.Equal(DType.Bool, r.DType);
        bool[] expected = name switch
        {
            "Eq" => [false, true],
            "Ne" => [true, false],
            "Lt" => [false, false],
            "Le" => [false, true],
            "Gt" => [true, false],
            _ => [true, true],
        };
        Assert.Equal(expected, r.ToBoolArray());
    }

    private static Tensor Apply(string name, Tensor a, Tensor b) => name switch
    {
        "Eq" => a.Eq(b),
        "Ne" => a.Ne(b),
        "Lt" => a.Lt(b),
        "Le" => a.Le(b),
        "Gt" => a.Gt(b),
        _ => a.Ge(b),
    };
}
