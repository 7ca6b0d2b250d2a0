namespace MiniTorch.Distributed.TestRunner;

internal static class FaultScenarios
{
    public static readonly (string Name, Action Run)[] All = [];
}
