namespace MiniTorch.NN;

/// <summary>Reads a whole safetensors file through <see cref="SafetensorsFile"/>: the header is validated first, then each tensor is read straight into its own memory.</summary>
internal static class SafetensorsReader
{
    public static (OrderedDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return (file.LoadAll(), file.Metadata);
    }
}
