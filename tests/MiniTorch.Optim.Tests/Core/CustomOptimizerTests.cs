namespace MiniTorch.Optim.Tests.Core;

/// <summary>A user-written optimizer gets groups, validation, skipping, state and state dicts from the base class.</summary>
public class CustomOptimizerTests
{
    /// <summary>signSGD with a step counter: θ ← θ − lr·sign(g).</summary>
    private sealed class SignSgd : Optimizer
    {
        public SignSgd(IEnumerable<Tensor> parameters, double lr) : base(parameters, new Dictionary<string, double> { ["Lr"] = lr })
        {
        }

        protected override void ValidateGroup(ParamGroup group)
        {
            if (!(group.Lr > 0))
            {
                throw new ArgumentException($"Invalid learning rate: {group.Lr}", "lr");
            }
        }

        protected override void Update(ParamGroup group)
        {
            foreach (var p in group.Params)
            {
                if (p.Grad is { } grad)
                {
                    GetOrCreateState(p).Step++;
                    p.AddInPlace(grad.Sign(), -group.Lr);
                }
            }
        }
    }

    [Fact]
    public void BaseClassServicesWorkForAUserOptimizer()
    {
        var p = Tensor.FromArray(new[] { 1.0, -1.0, 0.5 }, requiresGrad: true);
        var unused = Tensor.Zeros([1], requiresGrad: true);
        var optimizer = new SignSgd([p, unused], lr: 0.25);
        Assert.Equal("SignSgd", optimizer.Name);
        p.Grad = Tensor.FromArray(new[] { 3.0, -0.1, 0.0 });
        optimizer.Step();
        Assert.Equal(new[] { 0.75, -0.75, 0.5 }, p.ToDoubleArray());
        Assert.Equal(1, optimizer.GetState(p)!.Step);
        Assert.Null(optimizer.GetState(unused));
        var saved = optimizer.StateDict();
        Assert.Equal("SignSgd", saved.Optimizer);
        Assert.Equal(1, saved.State[0].Step);
        Assert.StartsWith("Invalid learning rate: 0", Assert.Throws<ArgumentException>(() => new SignSgd([p], lr: 0)).Message);
        Assert.StartsWith("LoadStateDict: the state dict was saved by a SignSgd optimizer, but this optimizer is a Sgd.",
            Assert.Throws<ArgumentException>(() => new Sgd([p, unused], lr: 0.1).LoadStateDict(saved)).Message);
    }
}
