using System.Reflection;
using MiniTorch.OpDatabase;

namespace MiniTorch.Tests.TableDriven;

/// <summary>
/// Every public op of <see cref="Tensor"/> and of the NN library's <see cref="NN.Functional"/> has a row in the op
/// table, or an entry in <see cref="ApiExclusions"/> saying why it is not an op. An op is a public method (static or
/// instance, operators and the indexer included, overloads counted once by name) returning a <see cref="Tensor"/> or a tuple of
/// tensors; properties (<c>T</c>, <c>Grad</c>) and methods returning other types (Item, ToArray) are not.
/// </summary>
public class OpTableCompletenessTests
{
    [Fact]
    public void EveryPublicOpOfTensorAndFunctionalHasARow()
    {
        var covered = OpTable.All.SelectMany(op => op.Api).ToHashSet(StringComparer.Ordinal);
        Assert.True(PublicOps().Count() > 100, "the reflection should find the public ops of Tensor and Functional");
        var missing = PublicOps().Where(m => !covered.Contains(m) && !ApiExclusions.Reasons.ContainsKey(m)).ToArray();
        Assert.True(missing.Length == 0,
            "public ops without a row in tests/MiniTorch.OpDatabase (add a row naming it in Api, or an ApiExclusions entry with the reason): " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryApiNameOfTheTableAndEveryExclusionExists()
    {
        var ops = PublicOps().ToHashSet(StringComparer.Ordinal);
        var stale = OpTable.All.SelectMany(op => op.Api).Concat(ApiExclusions.Reasons.Keys).Where(m => !ops.Contains(m)).ToArray();
        Assert.True(stale.Length == 0, "names in the table or its exclusions that are not public ops: " + string.Join(", ", stale));
    }

    [Fact]
    public void NoMethodIsBothARowAndExcluded()
    {
        var both = OpTable.All.SelectMany(op => op.Api).Where(ApiExclusions.Reasons.ContainsKey).ToArray();
        Assert.Empty(both);
    }

    /// <summary>The ops by the rule above, as <c>Type.Method</c>.</summary>
    private static IEnumerable<string> PublicOps() =>
        new[] { typeof(Tensor), typeof(NN.Functional) }
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => !m.IsSpecialName || m.Name.StartsWith("op_", StringComparison.Ordinal) || IsIndexer(type, m))
                .Where(m => ReturnsTensors(m.ReturnType))
                .Select(m => $"{type.Name}.{m.Name}"))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    /// <summary>The getter of an indexer (<c>x[1.., 0]</c>; Tensor names its indexer <c>Index</c>).</summary>
    private static bool IsIndexer(Type type, MethodInfo m) =>
        type.GetProperties().Any(p => p.GetIndexParameters().Length > 0 && p.GetMethod == m);

    private static bool ReturnsTensors(Type t) =>
        t == typeof(Tensor) || (t.IsGenericType && t.Namespace == "System" && t.Name.StartsWith("ValueTuple", StringComparison.Ordinal) && t.GetGenericArguments().All(a => a == typeof(Tensor)));
}
