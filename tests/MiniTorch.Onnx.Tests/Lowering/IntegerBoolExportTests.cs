using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Lowering;

/// <summary>
/// Int64, Int32, UInt8 and Bool tensors through export and ONNX Runtime (#13): graph inputs, outputs, initializers and
/// Casts keep their ONNX element types; comparisons, ArgMax and Where need no Cast; integer results compare exactly.
/// </summary>
public class IntegerBoolExportTests
{
    private static int ElementType(global::Onnx.ValueInfoProto value) => value.Type.TensorType.ElemType;

    [Fact]
    public void IntegerDivisionAndRemainderFollowPythonsSignRulesInOnnxRuntime()
    {
        var a = Tensor.FromArray([-7L, 7, -7, 7, 5, -5, 0, 9], [2, 4]);
        var b = Tensor.FromArray([2L, 2, -2, -2, 3, 3, 4, -4], [2, 4]);
        Func<Tensor[], Tensor[]> f = xs => [Tensor.FloorDivide(xs[0], xs[1]), xs[0] % xs[1], xs[0].Cumsum(1), xs[0].Gt(xs[1]), xs[0] * 3 - xs[1]];
        var model = OnnxExporter.Export(f, [a, b]);
        Assert.Equal([7, 7], model.Proto.Graph.Input.Select(ElementType));
        Assert.Equal([7, 7, 7, 9, 7], model.Proto.Graph.Output.Select(ElementType));
        using var session = new OnnxRuntimeSession(model);
        var ort = session.Run(a, b);
        // Python: -7 // 2 == -4, 7 // -2 == -4, -5 // 3 == -2, 9 // -4 == -3; -7 % 2 == 1, 7 % -2 == -1, 9 % -4 == -3.
        Assert.Equal([-4L, 3, 3, -4, 1, -2, 0, -3], ort[0].ToArray<long>());
        Assert.Equal([1L, 1, -1, -1, 2, 1, 0, -3], ort[1].ToArray<long>());
        Assert.Equal([-7L, 0, -7, 0, 5, 0, 0, 9], ort[2].ToArray<long>());
        Assert.Equal([false, true, false, true, true, false, false, true], ort[3].ToArray<bool>());
        Assert.Equal([-23L, 19, -19, 23, 12, -18, -4, 31], ort[4].ToArray<long>());
        var report = OnnxCheck.Compare(model, f, a, b);
        Assert.True(report.IsWithin(0, 0), report.Describe(0, 0));
    }

    [Fact]
    public void BoolMaskInputsDriveLogicalOpsAndWhereWithoutCasts()
    {
        var mask = Tensor.FromArray([true, false, true, false, false, true], [2, 3]);
        var x = RoundTrip.Randn(1, 2, 3);
        Func<Tensor[], Tensor[]> f = xs =>
        [
            Tensor.Where(xs[0], xs[1], -xs[1]), !xs[0], Tensor.LogicalAnd(xs[0], xs[1].Gt(0)), xs[0] ^ xs[1].Lt(0),
            Tensor.LogicalOr(xs[0], xs[1]), xs[1].MaskedFill(~xs[0], 0.5),
        ];
        var model = OnnxExporter.Export(f, [mask, x]);
        Assert.Equal([9, 1], model.Proto.Graph.Input.Select(ElementType));
        Assert.Equal([1, 9, 9, 9, 9, 1], model.Proto.Graph.Output.Select(ElementType));
        var ops = RoundTrip.OpTypes(model);
        Assert.Contains("Where", ops);
        Assert.Contains("Xor", ops);
        // Where's and Not's operands are the Bool input itself: no Cast feeds them.
        var castOutputs = model.Proto.Graph.Node.Where(n => n.OpType == "Cast").SelectMany(n => n.Output).ToHashSet();
        var where = model.Proto.Graph.Node.First(n => n.OpType == "Where");
        Assert.Equal(model.InputNames[0], where.Input[0]);
        Assert.DoesNotContain(model.Proto.Graph.Node.First(n => n.OpType == "Not").Input[0], castOutputs);
        var other = Tensor.FromArray([false, false, true, true, true, false], [2, 3]);
        foreach (var inputs in new[] { new[] { mask, x }, [other, RoundTrip.Randn(2, 2, 3)] })
        {
            var report = OnnxCheck.Compare(model, f, inputs);
            Assert.True(report.IsWithin(1e-6, 0), report.Describe(1e-6, 0));
        }
    }

    [Fact]
    public void ArgMaxAndComparisonsGiveInt64AndBoolWithoutACast()
    {
        Func<Tensor[], Tensor[]> f = xs => [xs[0].ArgMax(1), xs[0].Ge(0), xs[0].Ne(0.25), xs[0].Min(1).Indices];
        var model = OnnxExporter.Export(f, [RoundTrip.Randn(3, 1, 5)]);
        Assert.DoesNotContain("Cast", RoundTrip.OpTypes(model));
        Assert.Equal([7, 9, 9, 7], model.Proto.Graph.Output.Select(ElementType));
        foreach (int batch in new[] { 1, 4 })
        {
            var report = OnnxCheck.Compare(model, f, RoundTrip.Randn(4 + batch, batch, 5));
            Assert.True(report.IsWithin(0, 0), report.Describe(0, 0));
        }
    }

    [Fact]
    public void ToExportsAsCastWithTheTargetElementType()
    {
        Func<Tensor[], Tensor[]> f = xs =>
        {
            var y = xs[0] * 10;
            return [y.To(DType.Int32), y.To(DType.Int64), y.To(DType.Bool), y.Abs().To(DType.UInt8), y.To(DType.Int64).To(DType.Float64)];
        };
        var model = OnnxExporter.Export(f, [RoundTrip.Randn(5, 2, 4)]);
        var casts = model.Proto.Graph.Node.Where(n => n.OpType == "Cast").Select(n => n.Attribute.Single(a => a.Name == "to").I).ToArray();
        Assert.Equal([6L, 7, 9, 2, 7, 11], casts);
        Assert.Equal([6, 7, 9, 2, 11], model.Proto.Graph.Output.Select(ElementType));
        // Casts to integers truncate toward zero in both (PyTorch's and C's conversion).
        var report = OnnxCheck.Compare(model, f, RoundTrip.Randn(6, 3, 4));
        Assert.True(report.IsWithin(0, 0), report.Describe(0, 0));
    }

    [Fact]
    public void IntegerOperandsPromoteWithTheCastsTheTraceShows()
    {
        var offsets = Tensor.FromArray([1L, -2, 3], [3]);
        Func<Tensor[], Tensor[]> f = xs => [xs[0] + offsets, xs[1] * 2.5, xs[1] + xs[0].ArgMax(1, keepDim: true)];
        var model = OnnxExporter.Export(f, [RoundTrip.Randn(7, 2, 3), Tensor.FromArray([4L, -1, 0, 2, 7, -3], [2, 3])]);
        Assert.Equal([1, 1, 7], model.Proto.Graph.Output.Select(ElementType));
        Assert.Contains("Cast", RoundTrip.OpTypes(model));
        var report = OnnxCheck.Compare(model, f, RoundTrip.Randn(8, 4, 3), Tensor.FromArray([1L, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3], [4, 3]));
        Assert.True(report.IsWithin(1e-6, 1e-6), report.Describe(1e-6, 1e-6));
    }

    [Fact]
    public void HalfPrecisionConstantsAreStoredInTheirOwnElementType()
    {
        var half = Tensor.FromArray([(Half)0.5, (Half)(-1.25), (Half)3], [3]);
        var bf16 = Tensor.FromArray([1.5f, -0.375f, 2f], [3]).To(DType.BFloat16);
        Func<Tensor, Tensor> f = x => x * half.To(DType.Float32) + bf16.To(DType.Float32);
        var model = RoundTrip.Check(f, b => RoundTrip.Randn(b, b, 3));
        Assert.Contains(model.Proto.Graph.Initializer, i => i.DataType == 10 && i.RawData.Length == 6);
        Assert.Contains(model.Proto.Graph.Initializer, i => i.DataType == 16 && i.RawData.Length == 6);
    }

    [Fact]
    public void IntegerAndBoolOutputsCompareExactlyAndByDType()
    {
        var x = RoundTrip.Randn(9, 3, 5);
        var argMax = OnnxExporter.Export(t => t.ArgMax(1), x);
        // ArgMin differs from ArgMax: no tolerance may hide a wrong index.
        var wrong = OnnxCheck.Compare(argMax, xs => [xs[0].ArgMin(1)], x);
        Assert.False(wrong.IsWithin(1e9, 1e9));
        Assert.Contains("not equal", wrong.Describe(1e9, 1e9), StringComparison.Ordinal);
        // A Bool mask read back as a float is a different result, whatever the values.
        var mask = OnnxExporter.Export(t => t.Gt(0), x);
        var floatMask = OnnxCheck.Compare(mask, xs => [xs[0].Gt(0).To(DType.Float32)], x);
        Assert.False(floatMask.IsWithin(1e9, 1e9));
        Assert.Contains("dtype Bool from ONNX Runtime, Float32 from MiniTorch", floatMask.Describe(0, 0), StringComparison.Ordinal);
        Assert.True(OnnxCheck.Compare(mask, xs => [xs[0].Gt(0)], x).IsWithin(0, 0));
    }

    [Fact]
    public void BoolArithmeticExportsAsLogicalOps()
    {
        // PyTorch: True + True is True (a logical or), True * False is False (and); ONNX's Add and Mul take no bool.
        Func<Tensor[], Tensor[]> f = xs => [xs[0].Gt(0) + xs[0].Lt(-1), xs[0].Gt(0) * xs[0].Lt(1), Tensor.Maximum(xs[0].Gt(0), xs[0].Lt(-1))];
        var model = OnnxExporter.Export(f, [RoundTrip.Randn(11, 2, 6)]);
        var ops = RoundTrip.OpTypes(model);
        Assert.Contains("Or", ops);
        Assert.Contains("And", ops);
        Assert.DoesNotContain("Add", ops);
        Assert.Equal([9, 9, 9], model.Proto.Graph.Output.Select(ElementType));
        var x = Tensor.FromArray([0.5f, -2, 0, -0.5f, 3, -1.5f], [1, 6]);
        using var session = new OnnxRuntimeSession(model);
        var ort = session.Run(x);
        Assert.Equal([true, true, false, false, true, true], ort[0].ToArray<bool>());
        Assert.Equal([true, false, false, false, false, false], ort[1].ToArray<bool>());
        Assert.Equal([true, true, false, false, true, true], ort[2].ToArray<bool>());
        var report = OnnxCheck.Compare(model, f, RoundTrip.Randn(12, 3, 6));
        Assert.True(report.IsWithin(0, 0), report.Describe(0, 0));
    }
}
