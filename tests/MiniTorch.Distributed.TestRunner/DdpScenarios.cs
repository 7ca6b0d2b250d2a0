namespace MiniTorch.Distributed.TestRunner;

internal static class DdpScenarios
{
    public static readonly (string Name, Action Run)[] All = [];
}
