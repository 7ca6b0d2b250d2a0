namespace MiniTorch.Packages.Tests;

/// <summary>The tests that share one pack, one template install and one build (<see cref="PackagedConsumer"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ConsumerCollection : ICollectionFixture<PackagedConsumer>
{
    public const string Name = "packaged consumer";
}
