using MiniTorch.OpDatabase;

namespace MiniTorch.Tests.TableDriven;

/// <summary>
/// Every row of the op table called with Int64 and Bool versions of its first sample's inputs (the float values
/// converted as To converts). An op either computes, with the dtype PyTorch gives, or refuses with a clear exception
/// that names the dtype; it never fails from inside with an InvalidCastException, IndexOutOfRangeException or
/// NullReferenceException (the float-only guard, DTypeCheck, is what makes this hold for the float-only ops).
/// </summary>
public class OpIntegerInputTests
{
    /// <summary>
    /// Rows whose integer and Bool semantics belong to another part of #13 (dtype-arith: arithmetic, comparisons,
    /// reductions, Where, Cat/Stack, in-place ops; dtype-index: index ops). For now they only have to fail cleanly:
    /// no internal exception, and a result of any dtype or an exception of any message.
    /// </summary>
    private static readonly string[] OwnedElsewhere =
    [
        "Add", "Sub", "Mul", "Div", "Neg", "Rsub", "Remainder", "FloorDivide", "Maximum", "Minimum", "Where", "Cat", "Stack",
        "Sum", "Mean", "Prod", "Max", "Min", "ArgMax", "ArgMin", "Cumsum", "CumSum", "Sort", "TopK", "Gather", "Scatter",
        "IndexSelect", "Embedding", "MaskedFill", "IndexPut", "IndexCopy", "MaskedScatter", "Index", "Eq", "Ne", "Gt", "Ge",
        "Lt", "Le", "InPlace", "Loss", "CrossEntropy", "Nll", "Abs", "Clamp", "Pow", "Square", "Sign",
    ];

    public static TheoryData<string, DType> Cases()
    {
        var data = new TheoryData<string, DType>();
        foreach (var op in OpTable.All)
        {
            if (op.Samples.Count > 0)
            {
                data.Add(op.Name, DType.Int64);
                data.Add(op.Name, DType.Bool);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void IntegerInputComputesOrFailsClearly(string name, DType dtype)
    {
        var op = OpTable.Get(name);
        var sample = op.Samples[0];
        var inputs = sample.MakeInputs(11, dtype, requiresGrad: false);
        bool ownedElsewhere = Array.Exists(OwnedElsewhere, o => name.Contains(o, StringComparison.Ordinal));
        Tensor[] outputs;
        try
        {
            outputs = op.Call(inputs, sample.Args);
        }
        catch (Exception e) when (e is InvalidCastException or IndexOutOfRangeException or NullReferenceException)
        {
            Assert.Fail($"{name} on {dtype}: internal {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            return;
        }
        catch (Exception e) when (!ownedElsewhere)
        {
            Assert.True(e is NotSupportedException or ArgumentException or InvalidOperationException,
                $"{name} on {dtype}: unexpected {e.GetType().Name}: {e.Message}");
            Assert.True(e.Message.Contains(dtype.ToString(), StringComparison.Ordinal) || e.Message.Contains($"'{dtype.ScalarTypeName()}'", StringComparison.Ordinal),
                $"{name} on {dtype}: the message does not name the dtype: {e.Message}");
            return;
        }
        catch (Exception) when (ownedElsewhere)
        {
            return;
        }
        Assert.NotEmpty(outputs);
        if (PromotesToFloat(name))
        {
            // PyTorch: torch.exp(int_tensor) and friends give the default floating dtype.
            Assert.Equal(Tensor.GetDefaultDType(), outputs[0].DType);
            var expected = op.Call(Array.ConvertAll(inputs, t => t.To(DType.Float32)), sample.Args)[0];
            Assert.Equal(expected.ToDoubleArray(), outputs[0].ToDoubleArray());
        }
    }

    private static bool PromotesToFloat(string name) =>
        name is "Exp" or "Log" or "Sqrt" or "Sin" or "Cos" or "Tanh" or "Sigmoid" or "Erf" or "LogSumExp";
}
