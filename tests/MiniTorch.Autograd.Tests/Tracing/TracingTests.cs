// In the root test namespace: a MiniTorch.Tests.Tracing namespace would hide the MiniTorch.Tracing class.
namespace MiniTorch.Tests;

/// <summary>The op trace: what ops report, in which order, and what a trace refuses.</summary>
public class TracingTests
{
    private sealed class Twice : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 2;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 2];
    }

    [Fact]
    public void RecordsOpsWithInputsOutputsAndAttributesInOrder()
    {
        var x = Tensor.Randn([2, 3], generator: new Generator(1));
        Tensor y, s;
        using (var trace = Tracing.Start([x]))
        {
            y = x.Relu();
            s = y.Sum(1, keepDim: true);
            Assert.True(Tracing.IsActive);
            Assert.Equal(["Relu", "Sum"], trace.Ops.Select(op => op.Name));
            Assert.Same(x, trace.Ops[0].Inputs.Single());
            Assert.Same(y, trace.Ops[0].Outputs.Single());
            Assert.Same(s, trace.Ops[1].Outputs.Single());
            Assert.Equal([1], trace.Ops[1].Attributes.GetInts("dims"));
            Assert.True(trace.Ops[1].Attributes.GetBool("keepDim"));
            Assert.Equal(1, trace.Ops[1].Index);
        }
        Assert.False(Tracing.IsActive);
    }

    [Fact]
    public void NothingIsRecordedOutsideATrace()
    {
        var x = Tensor.Ones(2);
        var trace = Tracing.Start([x]);
        trace.Dispose();
        _ = x.Exp() + 1;
        Assert.Empty(trace.Ops);
    }

    [Fact]
    public void ACompositeOpReportsAfterItsParts()
    {
        var x = Tensor.Randn([2, 4], generator: new Generator(2));
        using var trace = Tracing.Start([x]);
        // Over dim 0 softmax is computed from other ops (over the last dim it is one fused kernel with no parts).
        var y = x.Softmax(0);
        var last = trace.Ops[^1];
        Assert.Equal("Softmax", last.Name);
        Assert.Same(y, last.Outputs.Single());
        Assert.Equal(0, last.Attributes.GetInt("dim"));
        Assert.True(trace.Ops.Count > 1); // the parts it was computed with came first
    }

    [Fact]
    public void ScalarOperandsAreReportedAsZeroDimensionalConstants()
    {
        var x = Tensor.Ones(3);
        using var trace = Tracing.Start([x]);
        _ = 5 - x;
        var op = trace.Ops.Single();
        Assert.Equal("Sub", op.Name);
        Assert.Equal(0, op.Inputs[0]!.Rank);
        Assert.Equal(5, op.Inputs[0]!.Item());
        Assert.Same(x, op.Inputs[1]);
    }

    [Fact]
    public void AnOpReturningItsInputIsNotRecorded()
    {
        var x = Tensor.Ones(2, 3);
        using var trace = Tracing.Start([x]);
        Assert.Same(x, x.Contiguous());
        Assert.Empty(trace.Ops);
    }

    [Fact]
    public void ACustomFunctionIsRecordedUnderItsNameAndMarked()
    {
        var x = Tensor.Ones(2);
        using var trace = Tracing.Start([x]);
        var y = new Twice().Apply(x);
        var op = trace.Ops[^1];
        Assert.Equal("Twice", op.Name);
        Assert.True(op.Attributes.GetBool("customFunction"));
        Assert.Same(y, op.Outputs.Single());
    }

    /// <summary>Computes 2x + 1 writing into its own fresh tensor, as fused kernels in plugins do.</summary>
    private sealed class TwicePlusOneInPlace : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => (inputs[0] * 2).AddInPlace(Tensor.Ones(inputs[0].Shape));

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 2];
    }

    [Fact]
    public void ACustomFunctionsForwardIsOpaqueToTheTraceSoItsInPlaceWritesAreItsOwn()
    {
        var x = Tensor.Ones(3);
        using var trace = Tracing.Start([x]);
        var y = new TwicePlusOneInPlace().Apply(x).Relu();
        Assert.Equal(["TwicePlusOneInPlace", "Relu"], trace.Ops.Select(op => op.Name));
        Assert.Equal([3.0, 3, 3], y.ToDoubleArray());
        Assert.True(Tracing.IsActive);
    }

    [Fact]
    public void ScopesNameTheOpsReportedInside()
    {
        var x = Tensor.Ones(2);
        using var trace = Tracing.Start([x]);
        using (Tracing.EnterScope("backbone.0"))
        {
            _ = x.Exp();
        }
        _ = x.Log();
        Assert.Equal("backbone.0", trace.Ops[0].Scope);
        Assert.Equal("", trace.Ops[1].Scope);
        Assert.Contains("op 'Exp' in 'backbone.0' (inputs [2])", trace.Ops[0].Describe());
    }

    [Fact]
    public void InPlaceWritesToSeenTensorsAreRefusedAndOthersAllowed()
    {
        var x = Tensor.Ones(2);
        using var trace = Tracing.Start([x]);
        var error = Assert.Throws<TracingException>(() => x.MulInPlace(2));
        Assert.Contains("MulInPlace", error.Message);
        Assert.Contains("[2]", error.Message);
        var fresh = Tensor.Zeros(2);
        fresh.AddInPlace(1);
        _ = x + fresh;
        Assert.Throws<TracingException>(() => fresh.ZeroInPlace());
        var view = x.Reshape(1, 2);
        Assert.Throws<TracingException>(() => view.Detach().FillInPlace(3)); // same storage as x
        Assert.Equal([1f, 1f], x.ToFloatArray());
    }

    [Fact]
    public void TracesDoNotNestAndArePerThread()
    {
        var x = Tensor.Ones(2);
        using var trace = Tracing.Start([x]);
        var error = Assert.Throws<TracingException>(() => Tracing.Start([x]));
        Assert.Contains("do not nest", error.Message);
        bool activeElsewhere = true;
        var thread = new Thread(() => { activeElsewhere = Tracing.IsActive; _ = x.Exp(); });
        thread.Start();
        thread.Join();
        Assert.False(activeElsewhere);
        Assert.Empty(trace.Ops);
    }

    [Fact]
    public void RecordReportsOptionalInputsAsNull()
    {
        var x = Tensor.Ones(2);
        using var trace = Tracing.Start([x]);
        var y = x * 3;
        Tracing.Record("Custom", [y], [x, null], new OpAttributes { { "k", 2 } });
        var op = trace.Ops[^1];
        Assert.Null(op.Inputs[1]);
        Assert.Contains("none", op.Describe());
    }

    [Fact]
    public void AttributesAcceptOnlyPlainValuesAndCompareByValue()
    {
        var a = new OpAttributes { { "dims", new[] { 1, 2 } }, { "min", null }, { "eps", 1e-5 }, { "mode", "tanh" } };
        var b = new OpAttributes { { "dims", new[] { 1, 2 } }, { "min", null }, { "eps", 1e-5 }, { "mode", "tanh" } };
        Assert.True(a.ValueEquals(b));
        Assert.False(a.ValueEquals(new OpAttributes { { "dims", new[] { 2, 1 } }, { "min", null }, { "eps", 1e-5 }, { "mode", "tanh" } }));
        Assert.Null(a.GetNullableDouble("min"));
        Assert.Equal("{dims=[1, 2], min=null, eps=1E-05, mode=tanh}", a.ToString());
        var type = Assert.Throws<ArgumentException>(() => new OpAttributes { { "shape", new List<int>() } });
        Assert.Contains("List`1", type.Message);
        Assert.Throws<InvalidOperationException>(() => OpAttributes.None.Add("x", 1));
        var missing = Assert.Throws<KeyNotFoundException>(() => a.GetInt("dim"));
        Assert.Contains("no attribute 'dim'", missing.Message);
        Assert.Throws<InvalidCastException>(() => a.GetInt("eps"));
    }
}
