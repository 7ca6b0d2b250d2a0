namespace MiniTorch.Tests.Engine;

public class PostAccumulateGradHookTests
{
    [Fact]
    public void The_hook_sees_the_accumulated_gradient_after_each_backward()
    {
        var x = Tensor.FromArray(new double[] { 1, 2 }, requiresGrad: true);
        var seen = new List<double[]>();
        using var handle = x.RegisterPostAccumulateGradHook(t =>
        {
            Assert.Same(x, t);
            seen.Add(t.Grad!.ToDoubleArray());
        });
        (x * 3).Sum().Backward();
        (x * x).Sum().Backward();
        // PyTorch's register_post_accumulate_grad_hook: after accumulation, so the second call sees 3 + 2x.
        Assert.Equal(new[] { new double[] { 3, 3 }, new double[] { 5, 7 } }, seen);
    }

    [Fact]
    public void The_hook_runs_once_per_backward_even_when_the_leaf_is_used_twice()
    {
        var x = Tensor.FromArray(new double[] { 1 }, requiresGrad: true);
        int calls = 0;
        using var handle = x.RegisterPostAccumulateGradHook(_ => calls++);
        (x * 2 + x * x).Sum().Backward();
        Assert.Equal(1, calls);
        Assert.Equal(4.0, x.Grad!.Item());
    }

    [Fact]
    public void Autograd_Grad_accumulates_nothing_and_runs_no_post_accumulate_hook()
    {
        var x = Tensor.FromArray(new double[] { 1 }, requiresGrad: true);
        int calls = 0;
        using var handle = x.RegisterPostAccumulateGradHook(_ => calls++);
        Autograd.Grad([(x * x).Sum()], [x]);
        Assert.Equal(0, calls);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void A_removed_hook_is_not_called()
    {
        var x = Tensor.FromArray(new double[] { 1 }, requiresGrad: true);
        int calls = 0;
        var handle = x.RegisterPostAccumulateGradHook(_ => calls++);
        handle.Remove();
        handle.Remove();
        (x * 2).Sum().Backward();
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Non_leaves_and_tensors_without_grad_are_rejected_with_PyTorchs_message()
    {
        var x = Tensor.FromArray(new double[] { 1 }, requiresGrad: true);
        var e = Assert.Throws<AutogradException>(() => (x * 2).RegisterPostAccumulateGradHook(_ => { }));
        Assert.Contains("post accumulate grad hooks cannot be registered on non-leaf tensors", e.Message, StringComparison.Ordinal);
        Assert.Throws<AutogradException>(() => Tensor.Zeros(2).RegisterPostAccumulateGradHook(_ => { }));
    }

    [Fact]
    public void Queued_callbacks_run_after_every_node_in_order_and_only_during_backward()
    {
        var x = Tensor.FromArray(new double[] { 1, 2 }, requiresGrad: true);
        var w = Tensor.FromArray(new double[] { 3, 4 }, requiresGrad: true);
        var log = new List<string>();
        using var hook = x.RegisterPostAccumulateGradHook(_ =>
        {
            log.Add("x accumulated");
            Autograd.QueueCallback(() =>
            {
                // Every leaf has its gradient by now, whatever the order in which the engine reached them.
                log.Add($"callback: w.Grad={w.Grad?.ToDoubleArray()[0]}");
                Autograd.QueueCallback(() => log.Add("queued by a callback"));
            });
        });
        (x * w).Sum().Backward();
        Assert.Equal(new[] { "x accumulated", "callback: w.Grad=1", "queued by a callback" }, log);
        Assert.False(Autograd.IsBackwardRunning);
        var outside = Assert.Throws<InvalidOperationException>(() => Autograd.QueueCallback(() => { }));
        Assert.Contains("final callbacks can only be installed during the backward pass", outside.Message, StringComparison.Ordinal);
        log.Clear();
        (x * w).Sum().Backward();
        Assert.Equal(3, log.Count); // callbacks of the previous backward do not run again
    }
}
