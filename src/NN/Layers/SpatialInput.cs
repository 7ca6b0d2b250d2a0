namespace MiniTorch.NN;

/// <summary>Input checks shared by the 2-D layers: (N, C, H, W) or unbatched (C, H, W), and a window that fits.</summary>
internal static class SpatialInput
{
    /// <summary>The input as 4-D (adding a batch dim to a 3-D one), or an error naming the module and the expected layout.</summary>
    public static Tensor Batched(Module module, Tensor input, int? channels, out bool unbatched)
    {
        string c = channels?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "C";
        if (input.Rank != 3 && input.Rank != 4)
        {
            throw module.InputError(input, $"(N, {c}, H, W) or ({c}, H, W)");
        }
        unbatched = input.Rank == 3;
        var x = unbatched ? input.Unsqueeze(0) : input;
        if (channels is int expected && x.Size(1) != expected)
        {
            throw module.InputError(input, unbatched ? $"({c}, H, W)" : $"(N, {c}, H, W)", $"The input has {x.Size(1)} channels; the layer expects {expected}.");
        }
        return x;
    }

    /// <summary>Throws unless the dilated window fits in the padded input (at least one output position).</summary>
    public static void CheckWindowFits(Module module, Tensor input, Tensor batched, Size2 kernel, Size2 padding, Size2 dilation)
    {
        int spanH = dilation.Height * (kernel.Height - 1) + 1;
        int spanW = dilation.Width * (kernel.Width - 1) + 1;
        int h = batched.Size(2) + 2 * padding.Height;
        int w = batched.Size(3) + 2 * padding.Width;
        if (spanH > h || spanW > w)
        {
            string name = module.Describe();
            throw new ModuleInputException(name, $"(N, C, H, W) with H + 2·padding ≥ {spanH} and W + 2·padding ≥ {spanW}", input.Shape,
                $"{name}: input of shape [{string.Join(", ", input.Shape)}] is too small: the padded input is {h} x {w}, smaller than the dilated kernel {spanH} x {spanW}.");
        }
    }

    /// <summary>Throws unless every value of the pair is at least <paramref name="min"/>.</summary>
    public static Size2 Check(string layer, string name, Size2 value, int min)
    {
        if (value.Height < min || value.Width < min)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{layer}: {name} must be at least {min} in both dimensions, got {value}.");
        }
        return value;
    }
}
