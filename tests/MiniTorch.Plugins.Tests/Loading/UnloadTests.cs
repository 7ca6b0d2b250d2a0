using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using MiniTorch.NN;
using MiniTorch.Optim;
using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Loading;

/// <summary>
/// Training with the sample plugin's ops, then unloading it: the registry forgets it at once and the runtime frees
/// its code once nothing refers to it. The work happens in methods that are never inlined, so no local variable of
/// the test keeps the plugin's objects reachable.
/// </summary>
public class UnloadTests
{
    [Fact]
    public void TrainsAFewStepsWithThePluginOpsThenUnloadsAndTheLoadContextIsCollected()
    {
        using var host = new PluginHost();
        var (losses, context) = TrainThenUnload(host, steps: 8);
        Assert.True(losses[^1] < 0.5 * losses[0], $"the loss should fall while training: {string.Join(", ", losses)}");
        Assert.Empty(host.Plugins);
        Assert.Empty(host.Ops.List());
        Assert.Empty(host.Modules.List());
        var e = Assert.Throws<KeyNotFoundException>(() => host.Ops.Invoke("linear_gelu", Tensor.Zeros(1, 2)));
        Assert.Equal("No loaded plugin provides an op named 'linear_gelu'; no ops are loaded; load a plugin first.", e.Message);
        Assert.True(PluginFiles.WaitUntilCollected(context), "the plugin's load context was not collected after unloading");
        // The same file loads again into a new context.
        Assert.Equal("activations", host.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false }).Name);
    }

    [Fact]
    public void AModuleMadeByThePluginKeepsItsCodeAliveUntilDropped()
    {
        using var host = new PluginHost();
        // In a box, so that clearing it drops the only reference (a debug build keeps locals alive to the method's end).
        var box = new StrongBox<Module?>();
        var context = CreateModuleThenUnload(host, box);
        Assert.False(PluginFiles.WaitUntilCollected(context), "the load context was collected while one of its modules was still in use");
        Assert.Equal([0.0], CallModule(box)); // unloading does not break objects still in use
        box.Value = null;
        Assert.True(PluginFiles.WaitUntilCollected(context));
    }

    [Fact]
    public void UnloadingMarksThePluginAndRejectsUnknownNames()
    {
        using var host = new PluginHost();
        var plugin = host.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });
        host.Unload("activations");
        Assert.False(plugin.IsLoaded);
        var e = Assert.Throws<KeyNotFoundException>(() => host.Unload("activations"));
        Assert.Equal("No plugin named 'activations' is loaded, so it cannot be unloaded.", e.Message);
        Assert.Equal("No plugin named 'activations' is loaded; loaded plugins: (none).", Assert.Throws<KeyNotFoundException>(() => host.Get("activations")).Message);
    }

    [Fact]
    public void EachPluginHasItsOwnCollectibleContextAndSharesMiniTorch()
    {
        using var host = new PluginHost();
        host.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });
        var module = host.Modules.Create("Mish");
        var context = AssemblyLoadContext.GetLoadContext(module.GetType().Assembly)!;
        Assert.True(context.IsCollectible);
        Assert.Equal("MiniTorch plugin ActivationsPlugin.dll", context.Name);
        Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name!.StartsWith("MiniTorch", StringComparison.Ordinal));
        Assert.Same(typeof(Module), module.GetType().BaseType);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (double[] Losses, WeakReference Context) TrainThenUnload(PluginHost host, int steps)
    {
        host.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });
        var g = new Generator(7);
        var x = Tensor.Randn([32, 4], generator: g);
        var y = (x.Sum(1, keepDim: true) * 0.5).Tanh();
        var hidden = new Linear(4, 8, generator: g);
        var mish = host.Modules.Create("Mish");
        var output = new Linear(8, 1, generator: g);
        var optimizer = new Adam([.. hidden.Parameters(), .. output.Parameters()], lr: 0.05);
        var losses = new double[steps];
        for (int step = 0; step < steps; step++)
        {
            optimizer.ZeroGrad();
            var h = host.Ops.Invoke("linear_gelu", x, hidden.Weight, hidden.Bias!);
            var prediction = output.Call(mish.Call(host.Ops.Invoke("softplus", h)));
            var loss = ((prediction - y) * (prediction - y)).Mean();
            loss.Backward();
            optimizer.Step();
            losses[step] = loss.Item();
        }
        Assert.Equal(steps, host.Ops.Get("linear_gelu").InvocationCount);
        return (losses, host.Unload("activations"));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference CreateModuleThenUnload(PluginHost host, StrongBox<Module?> box)
    {
        host.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });
        box.Value = host.Modules.Create("SiLU");
        return host.Unload("activations");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double[] CallModule(StrongBox<Module?> box) => box.Value!.Call(Tensor.Zeros(1)).ToDoubleArray();
}
