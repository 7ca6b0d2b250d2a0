using System.Text.Json;
using System.Text.Json.Serialization;
using MiniTorch.Optim;

namespace MiniTorch.Training;

/// <summary>
/// The JSON part of a checkpoint (everything that is not a tensor), stored in the safetensors header's
/// <c>__metadata__</c> under <see cref="Key"/>. Tensors are named <c>model/&lt;state-dict key&gt;</c> and
/// <c>optimizer/&lt;parameter position&gt;/&lt;buffer&gt;</c>.
/// </summary>
internal sealed class CheckpointDocument
{
    public const string Key = "minitorch.checkpoint";
    public const string CurrentFormat = "minitorch.checkpoint/1";
    public const string ModelPrefix = "model/";
    public const string OptimizerPrefix = "optimizer/";

    // Doubles are written in their shortest round-trip form; the named literals keep an infinite option (e.g. a
    // clipping bound) representable, which plain JSON is not.
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Format { get; set; } = CurrentFormat;
    public int Epoch { get; set; }
    public OptimizerDocument Optimizer { get; set; } = new();
    public SchedulerDocument? Scheduler { get; set; }
    public string? Generator { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static CheckpointDocument FromJson(string json, string path)
    {
        CheckpointDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<CheckpointDocument>(json, Options);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"its '{Key}' metadata is not valid checkpoint JSON ({e.Message}).", e);
        }
        if (document is null || document.Format != CurrentFormat)
        {
            throw new CheckpointFormatException(path, $"its checkpoint format is '{document?.Format}'; this version reads '{CurrentFormat}'.");
        }
        return document;
    }
}

internal sealed class OptimizerDocument
{
    public string Name { get; set; } = "";
    public List<GroupDocument> Groups { get; set; } = [];
    public List<ParamStateDocument> State { get; set; } = [];
}

internal sealed class GroupDocument
{
    public Dictionary<string, double> Options { get; set; } = new(StringComparer.Ordinal);
    public List<int> Params { get; set; } = [];
}

internal sealed class ParamStateDocument
{
    public int Param { get; set; }
    public long Step { get; set; }
    public List<string> Buffers { get; set; } = [];
}

internal sealed class SchedulerDocument
{
    public string Name { get; set; } = "";
    public int LastEpoch { get; set; }
    public int StepCount { get; set; }
    public List<double> BaseLrs { get; set; } = [];
    public List<double> LastLr { get; set; } = [];
    public List<SchedulerDocument> Children { get; set; } = [];

    public static SchedulerDocument From(LrSchedulerStateDict state) => new()
    {
        Name = state.Scheduler,
        LastEpoch = state.LastEpoch,
        StepCount = state.StepCount,
        BaseLrs = [.. state.BaseLrs],
        LastLr = [.. state.LastLr],
        Children = state.Children.Select(From).ToList(),
    };

    public LrSchedulerStateDict ToStateDict() =>
        new(Name, LastEpoch, StepCount, BaseLrs, LastLr, Children.Select(c => c.ToStateDict()).ToList());
}
