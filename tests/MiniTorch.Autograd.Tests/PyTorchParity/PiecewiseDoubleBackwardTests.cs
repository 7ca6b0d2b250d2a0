using System.Text.Json;
using MiniTorch.Tests.Golden;

namespace MiniTorch.Tests.PyTorchParity;

/// <summary>
/// Double backward of the piecewise-linear ops against libtorch (Golden/piecewise_double_backward.json, written by
/// tools/golden/piecewise_double_backward.py with PyTorch 1.13). Whether the first-order gradient built with
/// <c>createGraph: true</c> requires grad differs op by op in libtorch (relu's threshold_backward is itself
/// differentiable, clamp's masked copy is not); MiniTorch matches it op by op, with libtorch's second-order values
/// where it does and libtorch's "element 0 of tensors does not require grad" where it does not.
/// </summary>
public class PiecewiseDoubleBackwardTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> s_cases = new(Load);

    public static TheoryData<string> CaseNames
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var name in s_cases.Value.Keys)
            {
                names.Add(name);
            }
            return names;
        }
    }

    /// <summary>The MiniTorch call of each case; the script names the same call in its "minitorch" field.</summary>
    private static Tensor Apply(string name, Tensor[] x) => name switch
    {
        "relu" => x[0].Relu(),
        "leaky_relu_default" => x[0].LeakyRelu(),
        "leaky_relu_0.2" => x[0].LeakyRelu(0.2),
        "abs" => x[0].Abs(),
        "clamp_both" => x[0].Clamp(-1, 1),
        "clamp_min" => x[0].Clamp(min: -1),
        "clamp_max" => x[0].Clamp(max: 1),
        "neg" => x[0].Neg(),
        "sign" => x[0].Sign(),
        "maximum" => Tensor.Maximum(x[0], x[1]),
        "minimum" => Tensor.Minimum(x[0], x[1]),
        "max_all" => x[0].Max(),
        "min_all" => x[0].Min(),
        "max_dim" => x[0].Max(1).Values,
        "min_dim" => x[0].Min(1).Values,
        "max_dim_keepdim" => x[0].Max(0, keepDim: true).Values,
        "norm_inf" => x[0].Norm(double.PositiveInfinity),
        "max_pool2d" => x[0].MaxPool2d((2, 2)),
        _ => throw new ArgumentException($"No MiniTorch call for golden case '{name}'; add it to {nameof(Apply)}."),
    };

    [Fact]
    public void EveryRecordedCaseHasAMiniTorchCall()
    {
        Assert.True(s_cases.Value.Count >= 18, $"only {s_cases.Value.Count} cases in the golden file");
        foreach (var (name, c) in s_cases.Value)
        {
            var inputs = Inputs(c, requiresGrad: true);
            Assert.NotNull(Apply(name, inputs));
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FirstOrderGradientRequiresGradExactlyWhereLibtorchsDoes(string name)
    {
        var c = s_cases.Value[name];
        var inputs = Inputs(c, requiresGrad: true);
        var gradOutput = GoldenTensor.Parse(c.GetProperty("grad_output")).ToTensor();
        var firsts = Autograd.Grad([Apply(name, inputs)], inputs, [gradOutput], createGraph: true);

        var expectedFirst = c.GetProperty("first_order").EnumerateArray().Select(GoldenTensor.Parse).ToArray();
        var requires = c.GetProperty("first_order_requires_grad").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            GoldenAssert.Close(expectedFirst[i], firsts[i], $"{name}: first-order gradient of input {i}");
            Assert.True(requires[i] == firsts[i]!.RequiresGrad,
                $"{name}: libtorch's first-order gradient of input {i} (create_graph=True) has requires_grad={requires[i]}, MiniTorch's RequiresGrad is {firsts[i]!.RequiresGrad}.");
        }

        var v = c.GetProperty("v").EnumerateArray().Select(e => GoldenTensor.Parse(e).ToTensor()).ToArray();
        var secondOrder = c.GetProperty("second_order");
        if (secondOrder.ValueKind == JsonValueKind.Null)
        {
            // libtorch raises on the second backward; so does MiniTorch, with its message.
            var ex = Assert.Throws<AutogradException>(() => Autograd.Grad([(firsts[0]! * v[0]).Sum()], inputs, allowUnused: true));
            Assert.Contains("element 0 of tensors does not require grad", ex.Message);
            return;
        }
        Tensor? s = null;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (requires[i])
            {
                var term = (firsts[i]! * v[i]).Sum();
                s = s is null ? term : s + term;
            }
        }
        var seconds = Autograd.Grad([s!], inputs, allowUnused: true);
        var expectedSecond = secondOrder.EnumerateArray().Select(GoldenTensor.Parse).ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            // libtorch's None (an input the second graph does not reach) is written as zeros, so compare zeros with it.
            GoldenAssert.Close(expectedSecond[i], seconds[i] ?? Tensor.ZerosLike(inputs[i]), $"{name}: second-order gradient of input {i}");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void SecondOrderGradientWithRespectToGradOutputMatchesLibtorch(string name)
    {
        var c = s_cases.Value[name];
        var inputs = Inputs(c, requiresGrad: true);
        var gradOutput = GoldenTensor.Parse(c.GetProperty("grad_output")).ToTensor(requiresGrad: true);
        var firsts = Autograd.Grad([Apply(name, inputs)], inputs, [gradOutput], createGraph: true);
        var v = c.GetProperty("v").EnumerateArray().Select(e => GoldenTensor.Parse(e).ToTensor()).ToArray();
        Tensor s = (firsts[0]! * v[0]).Sum();
        for (int i = 1; i < inputs.Length; i++)
        {
            s += (firsts[i]! * v[i]).Sum();
        }

        var expected = c.GetProperty("second_order_grad_output");
        if (expected.ValueKind == JsonValueKind.Null)
        {
            // No first-order gradient depends on the incoming gradient (sign's is zeros), so libtorch raises.
            var ex = Assert.Throws<AutogradException>(() => Autograd.Grad(s, gradOutput));
            Assert.Contains("element 0 of tensors does not require grad", ex.Message);
            return;
        }
        GoldenAssert.Close(GoldenTensor.Parse(expected), Autograd.Grad(s, gradOutput), $"{name}: second-order gradient of grad_output");
    }

    private static Tensor[] Inputs(JsonElement c, bool requiresGrad) =>
        [.. c.GetProperty("inputs").EnumerateArray().Select(e => GoldenTensor.Parse(e).ToTensor(requiresGrad))];

    private static IReadOnlyDictionary<string, JsonElement> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", "piecewise_double_backward.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing; tools/golden/piecewise_double_backward.py writes it and the test csproj copies it.", path);
        }
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        Assert.Equal("1.13", doc.RootElement.GetProperty("torch_version").GetString()![..4]);
        var cases = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            cases.Add(c.GetProperty("name").GetString()!, c.Clone());
        }
        return cases;
    }
}
