using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Tensorboard;
using Tensorboard.Hparams;

namespace MiniTorch.TensorBoard;

/// <summary>
/// The three summaries of TensorBoard's hparams plugin, as <c>torch.utils.tensorboard.summary.hparams</c> builds them:
/// the experiment (names and types of the hyperparameters and metrics), the session start (the values) and the
/// session end (status success), each as plugin data of plugin <c>hparams</c>, version 0.
/// </summary>
internal static class HParamsSummaries
{
    private const string PluginName = "hparams";

    public static (Summary Experiment, Summary SessionStart, Summary SessionEnd) Build(
        IReadOnlyDictionary<string, object> hparams, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        ArgumentNullException.ThrowIfNull(metrics);
        var start = new SessionStartInfo();
        var experiment = new Experiment();
        foreach (var (name, value) in hparams)
        {
            var (protoValue, type) = value switch
            {
                bool b => (Value.ForBool(b), Tensorboard.Hparams.DataType.Bool),
                string s => (Value.ForString(s), Tensorboard.Hparams.DataType.String),
                double or float or int or long or short or byte or uint or ulong or decimal =>
                    (Value.ForNumber(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)), Tensorboard.Hparams.DataType.Float64),
                _ => throw new ArgumentException(
                    $"SummaryWriter.AddHparams: hyperparameter '{name}' is a {value?.GetType().Name ?? "null"}; values must be numbers, strings or booleans (as PyTorch's).", nameof(hparams)),
            };
            start.Hparams[name] = protoValue;
            experiment.HparamInfos.Add(new HParamInfo { Name = name, Type = type });
        }
        foreach (var name in metrics.Keys)
        {
            experiment.MetricInfos.Add(new MetricInfo { Name = new MetricName { Tag = name } });
        }
        return (
            Wrap("_hparams_/experiment", new HParamsPluginData { Experiment = experiment, Version = 0 }),
            Wrap("_hparams_/session_start_info", new HParamsPluginData { SessionStartInfo = start, Version = 0 }),
            Wrap("_hparams_/session_end_info", new HParamsPluginData { SessionEndInfo = new SessionEndInfo { Status = Status.Success }, Version = 0 }));
    }

    private static Summary Wrap(string tag, HParamsPluginData content)
    {
        var metadata = new SummaryMetadata
        {
            PluginData = new SummaryMetadata.Types.PluginData { PluginName = PluginName, Content = content.ToByteString() },
        };
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, Metadata = metadata });
        return summary;
    }
}
