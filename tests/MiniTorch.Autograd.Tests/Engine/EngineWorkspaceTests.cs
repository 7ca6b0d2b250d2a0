namespace MiniTorch.Tests.Engine;

/// <summary>
/// The engine's per-thread workspace keeps its collections between passes (so small passes allocate none of them)
/// but gives back what a huge graph made it grow to (regression: 132 MB stayed on a thread after a 1,000,000-op
/// backward, still held after a later 10-op one).
/// </summary>
public class EngineWorkspaceTests
{
    private const int Limit = EngineWorkspace.RetainedNodeLimit;

    /// <summary>A deep chain (the walk stack grows with its depth) ending in a node with many inputs (all of them become ready at once).</summary>
    private static Tensor DeepAndWide(Tensor x, int depth, int width)
    {
        var h = x;
        for (int i = 0; i < depth; i++)
        {
            h = h * 1.0001;
        }
        var branches = new Tensor[width];
        for (int i = 0; i < width; i++)
        {
            branches[i] = h * (i + 1);
        }
        return Tensor.Cat(branches).Sum();
    }

    private static void AssertAtMost(int bound, (int States, int Visited, int Ready, int Walk, int SpareStates) c)
    {
        Assert.True(c.States <= bound, $"node-state dictionary kept {c.States} entries");
        Assert.True(c.Visited <= bound, $"visited set kept {c.Visited} entries");
        Assert.True(c.Ready <= bound, $"ready stack kept {c.Ready} slots");
        Assert.True(c.Walk <= bound, $"walk stack kept {c.Walk} slots");
        Assert.True(c.SpareStates <= bound, $"{c.SpareStates} spare node states kept");
    }

    [Fact]
    public void AHugeBackwardLeavesNoMoreThanTheLimitPooledAfterItAndAfterASmallOne()
    {
        var x = Tensor.FromArray(new[] { 1.0 }, requiresGrad: true);
        const int depth = 4 * Limit, width = 3 * Limit;
        DeepAndWide(x, depth, width).Backward();
        Assert.Equal(Enumerable.Range(1, width).Sum(i => (double)i) * Math.Pow(1.0001, depth), x.Grad!.ToDoubleArray()[0], 1e-6 * x.Grad!.ToDoubleArray()[0]);

        // Dictionaries and sets round a capacity up to a prime; 2x leaves room for that while failing on the untrimmed pool (4-7x the limit).
        var afterHuge = EngineWorkspace.PooledCapacity;
        AssertAtMost(2 * Limit, afterHuge);
        Assert.NotEqual(default, afterHuge);

        x.Grad = null;
        (x * 2 + 1).Sum().Backward();
        Assert.Equal(2.0, x.Grad!.ToDoubleArray()[0]);
        AssertAtMost(2 * Limit, EngineWorkspace.PooledCapacity);
    }

    [Fact]
    public void AnOrdinaryGraphKeepsItsRoomForTheNextPass()
    {
        var x = Tensor.FromArray(new[] { 1.0 }, requiresGrad: true);
        const int nodes = 1000;
        DeepAndWide(x, nodes, nodes).Backward();
        var kept = EngineWorkspace.PooledCapacity;
        // About 2,000 op nodes plus the leaf's accumulator: none of the room is given back.
        Assert.True(kept.States >= 2 * nodes, $"node-state dictionary kept only {kept.States} entries");
        Assert.True(kept.Visited >= 2 * nodes, $"visited set kept only {kept.Visited} entries");
        Assert.True(kept.Walk >= nodes, $"walk stack kept only {kept.Walk} slots");
        Assert.True(kept.Ready >= nodes, $"ready stack kept only {kept.Ready} slots");
        Assert.True(kept.SpareStates >= 2 * nodes, $"only {kept.SpareStates} spare node states kept");

        // The next pass of the same size reuses the room (the dictionary's capacity is unchanged, so it was not rebuilt).
        DeepAndWide(x, nodes, nodes).Backward();
        Assert.Equal(kept.States, EngineWorkspace.PooledCapacity.States);
        Assert.Equal(kept.SpareStates, EngineWorkspace.PooledCapacity.SpareStates);
    }
}
