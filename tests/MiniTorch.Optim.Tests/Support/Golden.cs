using System.Text.Json;

namespace MiniTorch.Optim.Tests.Support;

/// <summary>
/// Reads the golden files written by tools/golden/generate_optim_golden.py (real PyTorch) and builds the
/// MiniTorch optimizers and schedulers their cases describe, translating PyTorch's option names.
/// </summary>
internal static class Golden
{
    private static readonly Dictionary<string, JsonElement[]> Files = [];

    public static JsonElement[] Cases(string file)
    {
        lock (Files)
        {
            if (!Files.TryGetValue(file, out var cases))
            {
                var path = Path.Combine(AppContext.BaseDirectory, "Golden", file);
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                cases = [.. doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone())];
                Files[file] = cases;
            }
            return cases;
        }
    }

    public static JsonElement Case(string file, string name) => Cases(file).Single(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(string file)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases(file))
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    public static DType DTypeOf(JsonElement c) => c.GetProperty("dtype").GetString() == "float64" ? DType.Float64 : DType.Float32;

    public static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetDouble())];

    public static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetInt32())];

    public static Tensor TensorOf(JsonElement values, int[] shape, DType dtype) =>
        Tensor.FromArray(Doubles(values), shape).To(dtype);

    public static Optimizer CreateOptimizer(string kind, IReadOnlyList<Tensor> parameters, JsonElement options, JsonElement? groups)
    {
        if (groups is not { } g)
        {
            return kind switch
            {
                "SGD" => new Sgd(parameters, Get(options, "lr", 0), Get(options, "momentum", 0), Get(options, "dampening", 0), Get(options, "weight_decay", 0), Flag(options, "nesterov"), Flag(options, "maximize")),
                "Adam" => new Adam(parameters, Get(options, "lr", 1e-3), Betas(options), Get(options, "eps", 1e-8), Get(options, "weight_decay", 0), Flag(options, "amsgrad"), Flag(options, "maximize")),
                "AdamW" => new AdamW(parameters, Get(options, "lr", 1e-3), Betas(options), Get(options, "eps", 1e-8), Get(options, "weight_decay", 1e-2), Flag(options, "amsgrad"), Flag(options, "maximize")),
                "RMSprop" => new RmsProp(parameters, Get(options, "lr", 1e-2), Get(options, "alpha", 0.99), Get(options, "eps", 1e-8), Get(options, "weight_decay", 0), Get(options, "momentum", 0), Flag(options, "centered"), Flag(options, "maximize")),
                _ => throw new ArgumentException(kind),
            };
        }
        var paramGroups = g.EnumerateArray().Select(group =>
        {
            var pg = new ParamGroup(Ints(group.GetProperty("params")).Select(i => parameters[i]));
            foreach (var option in group.GetProperty("options").EnumerateObject())
            {
                pg[OptionName(option.Name)] = option.Value.GetDouble();
            }
            return pg;
        }).ToList();
        return kind switch
        {
            "SGD" => new Sgd(paramGroups, Get(options, "lr", 0), Get(options, "momentum", 0), Get(options, "dampening", 0), Get(options, "weight_decay", 0), Flag(options, "nesterov"), Flag(options, "maximize")),
            "Adam" => new Adam(paramGroups, Get(options, "lr", 1e-3), Betas(options), Get(options, "eps", 1e-8), Get(options, "weight_decay", 0), Flag(options, "amsgrad"), Flag(options, "maximize")),
            "AdamW" => new AdamW(paramGroups, Get(options, "lr", 1e-3), Betas(options), Get(options, "eps", 1e-8), Get(options, "weight_decay", 1e-2), Flag(options, "amsgrad"), Flag(options, "maximize")),
            "RMSprop" => new RmsProp(paramGroups, Get(options, "lr", 1e-2), Get(options, "alpha", 0.99), Get(options, "eps", 1e-8), Get(options, "weight_decay", 0), Get(options, "momentum", 0), Flag(options, "centered"), Flag(options, "maximize")),
            _ => throw new ArgumentException(kind),
        };
    }

    public static LrScheduler CreateScheduler(JsonElement spec, Optimizer optimizer)
    {
        var args = spec.TryGetProperty("args", out var a) ? a : default;
        return spec.GetProperty("kind").GetString() switch
        {
            "StepLR" => new StepLr(optimizer, (int)Get(args, "step_size", 0), Get(args, "gamma", 0.1)),
            "MultiStepLR" => new MultiStepLr(optimizer, Ints(args.GetProperty("milestones")), Get(args, "gamma", 0.1)),
            "ExponentialLR" => new ExponentialLr(optimizer, Get(args, "gamma", 0)),
            "CosineAnnealingLR" => new CosineAnnealingLr(optimizer, (int)Get(args, "T_max", 0), Get(args, "eta_min", 0)),
            "LinearLR" => new LinearLr(optimizer, Get(args, "start_factor", 1.0 / 3), Get(args, "end_factor", 1.0), (int)Get(args, "total_iters", 5)),
            "SequentialLR" => new SequentialLr(
                optimizer,
                [.. spec.GetProperty("schedulers").EnumerateArray().Select(child => CreateScheduler(child, optimizer))],
                Ints(spec.GetProperty("milestones"))),
            var kind => throw new ArgumentException(kind),
        };
    }

    private static string OptionName(string torchName) => torchName switch
    {
        "lr" => nameof(ParamGroup.Lr),
        "weight_decay" => nameof(ParamGroup.WeightDecay),
        "momentum" => nameof(ParamGroup.Momentum),
        _ => throw new ArgumentException($"no mapping for PyTorch option '{torchName}'"),
    };

    private static double Get(JsonElement options, string name, double fallback) =>
        options.ValueKind == JsonValueKind.Object && options.TryGetProperty(name, out var v) ? v.GetDouble() : fallback;

    private static bool Flag(JsonElement options, string name) => options.TryGetProperty(name, out var v) && v.GetBoolean();

    private static (double, double) Betas(JsonElement options)
    {
        if (!options.TryGetProperty("betas", out var b))
        {
            return (0.9, 0.999);
        }
        var values = Doubles(b);
        return (values[0], values[1]);
    }
}
