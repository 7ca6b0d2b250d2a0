using MiniTorch.NN;

namespace MiniTorch.Onnx;

/// <summary>
/// Puts a model in evaluation mode for tracing and restores every module's own mode afterwards (a model may mix
/// modes, e.g. a backbone in eval under a head in training). Reports the modules whose output depends on the mode.
/// </summary>
internal sealed class ModeGuard : IDisposable
{
    private readonly List<(Module Module, bool Training)> _modes;

    private ModeGuard(List<(Module, bool)> modes) => _modes = modes;

    /// <summary>Switches <paramref name="model"/> to eval after recording its modes; <paramref name="affected"/> lists the paths of modules that behave differently in training.</summary>
    public static ModeGuard EnterEval(Module model, out IReadOnlyList<string> affected)
    {
        var modes = new List<(Module, bool)>();
        var changed = new List<string>();
        foreach (var (name, module) in model.NamedModules())
        {
            modes.Add((module, module.IsTraining));
            if (module.IsTraining && DependsOnMode(module))
            {
                changed.Add($"'{(name.Length == 0 ? "(model)" : name)}' ({module.GetType().Name})");
            }
        }
        affected = changed;
        model.Eval();
        return new ModeGuard(modes);
    }

    /// <summary>Dropout drops, BatchNorm uses and updates batch statistics, but only in training mode.</summary>
    private static bool DependsOnMode(Module module) => module switch
    {
        Dropout dropout => dropout.P > 0,
        BatchNorm batchNorm => !batchNorm.IsFrozen && batchNorm.TrackRunningStats,
        _ => false,
    };

    /// <summary>Restores each module's mode: parents first (Train recurses), then each descendant its own.</summary>
    public void Dispose()
    {
        foreach (var (module, training) in _modes)
        {
            module.Train(training);
        }
    }
}
