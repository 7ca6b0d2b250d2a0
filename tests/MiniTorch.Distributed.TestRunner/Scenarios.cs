namespace MiniTorch.Distributed.TestRunner;

/// <summary>The scenarios by name; a group name (the part before the first dot) selects all of its scenarios.</summary>
internal static class Scenarios
{
    private static readonly (string Name, Action Run)[] All =
    [
        .. CollectiveScenarios.All,
        .. DTypeScenarios.All,
        .. DdpScenarios.All,
        .. FaultScenarios.All,
        .. SingleProcessScenarios.All,
        .. BenchScenarios.All,
    ];

    public static IEnumerable<(string Name, Action Run)> Select(string[] names)
    {
        if (names.Length == 0)
        {
            throw new ArgumentException("TestRunner: name at least one scenario or group, e.g. collectives or ddp.equivalence-f64.");
        }
        foreach (var name in names)
        {
            if (name.StartsWith("--token=", StringComparison.Ordinal))
            {
                continue; // marks the job's processes for the tests' leftover check
            }
            bool found = false;
            foreach (var scenario in All)
            {
                if (scenario.Name == name || scenario.Name.StartsWith(name + ".", StringComparison.Ordinal))
                {
                    found = true;
                    yield return scenario;
                }
            }
            if (!found)
            {
                throw new ArgumentException($"TestRunner: no scenario or group named '{name}'.");
            }
        }
    }
}

/// <summary>A scenario's check failed; the message says what was expected and what came.</summary>
internal sealed class ScenarioFailedException(string message) : Exception(message);

internal static class Check
{
    public static void That(bool condition, string message)
    {
        if (!condition)
        {
            throw new ScenarioFailedException(message);
        }
    }

    /// <summary>Compares element by element within an absolute-plus-relative tolerance, naming the first mismatch.</summary>
    public static void Close(double[] expected, Tensor actual, double tolerance, string what)
    {
        var got = actual.ToDoubleArray();
        That(got.Length == expected.Length, $"{what}: expected {expected.Length} elements, got {got.Length}");
        for (int i = 0; i < got.Length; i++)
        {
            double diff = Math.Abs(got[i] - expected[i]);
            if (!(diff <= tolerance * (1 + Math.Abs(expected[i]))))
            {
                throw new ScenarioFailedException($"{what}: element {i} expected {expected[i]:R}, got {got[i]:R} (tolerance {tolerance})");
            }
        }
    }

    public static void Throws<TException>(Action action, string mustContain, string what) where TException : Exception
    {
        try
        {
            action();
        }
        catch (TException e)
        {
            That(e.Message.Contains(mustContain, StringComparison.Ordinal), $"{what}: the message '{e.Message}' does not contain '{mustContain}'");
            return;
        }
        throw new ScenarioFailedException($"{what}: expected {typeof(TException).Name}, nothing was thrown");
    }
}
