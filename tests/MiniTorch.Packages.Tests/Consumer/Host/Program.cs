// Loads every plugin under plugins/ next to this program (the plugin made by `dotnet new minitorch-plugin`, copied
// there by its PluginProject item), validates it while loading, and calls its op by name. Exit code 0 only if the
// plugin loaded from its own folder, shipped no copy of MiniTorch, and its op gave the formula's values.
using MiniTorch;
using MiniTorch.Plugins;

string folder = Path.Combine(AppContext.BaseDirectory, "plugins");
using var host = new PluginHost();
var result = host.LoadFolder(folder);
result.ThrowIfAnyFailed();
var plugin = host.Plugins.Single();
Console.WriteLine($"loaded plugin '{plugin.Name}' {plugin.Version}");

var copies = Directory.GetFiles(Path.Combine(folder, "MyOps"), "MiniTorch*.dll");
if (copies.Length > 0)
{
    Console.Error.WriteLine($"the plugin's folder holds MiniTorch's own assemblies: {string.Join(", ", copies.Select(Path.GetFileName))}");
    return 1;
}

double[] x = [-3, 0, 1.5];
var y = host.Ops.Invoke("squareplus", Tensor.FromArray(x)).ToDoubleArray();
for (int i = 0; i < x.Length; i++)
{
    double expected = (x[i] + Math.Sqrt(x[i] * x[i] + 4)) / 2;
    if (Math.Abs(y[i] - expected) > 1e-12)
    {
        Console.Error.WriteLine($"squareplus({x[i]}) = {y[i]}, expected {expected}");
        return 1;
    }
}
Console.WriteLine($"squareplus([{string.Join(", ", x)}]) = [{string.Join(", ", y)}]");
return 0;
