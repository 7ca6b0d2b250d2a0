using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MiniTorch.Onnx;

/// <summary>
/// An exported model loaded into ONNX Runtime (Microsoft.ML.OnnxRuntime, CPU), run on MiniTorch tensors. Create it
/// once and call <see cref="Run"/> many times; dispose it to free the native session.
/// </summary>
public sealed class OnnxRuntimeSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OnnxModel _model;

    /// <summary>Loads <paramref name="model"/> into ONNX Runtime; an invalid model fails here with ONNX Runtime's message.</summary>
    public OnnxRuntimeSession(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        try
        {
            _session = new InferenceSession(model.ToBytes());
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxExportException($"ONNX Runtime rejected the exported model: {e.Message}", e);
        }
    }

    /// <summary>Runs the model on <paramref name="inputs"/> (one per graph input, in order) and returns its outputs in order.</summary>
    public Tensor[] Run(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != _model.InputNames.Count)
        {
            throw new ArgumentException($"OnnxRuntimeSession.Run: the model has {_model.InputNames.Count} inputs ({string.Join(", ", _model.InputNames)}), got {inputs.Length} tensors.", nameof(inputs));
        }
        var values = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        try
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                var x = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"OnnxRuntimeSession.Run: input {i} is null.");
                long[] shape = [.. x.Shape.Select(d => (long)d)];
                values[_model.InputNames[i]] = x.DType switch
                {
                    DType.Float32 => OrtValue.CreateTensorValueFromMemory(x.ToArray<float>(), shape),
                    DType.Int64 => OrtValue.CreateTensorValueFromMemory(x.ToArray<long>(), shape), // index inputs
                    _ => OrtValue.CreateTensorValueFromMemory(x.ToArray<double>(), shape),
                };
            }
            using var options = new RunOptions();
            using var results = _session.Run(options, values, _model.OutputNames);
            var outputs = new Tensor[results.Count];
            for (int i = 0; i < outputs.Length; i++)
            {
                outputs[i] = ToTensor(results[i], _model.OutputNames[i]);
            }
            return outputs;
        }
        catch (OnnxRuntimeException e)
        {
            string shapes = string.Join(", ", inputs.Select(t => OnnxShapes.Format(t.Shape)));
            throw new InvalidOperationException($"ONNX Runtime failed to run the model on inputs of shape {shapes}: {e.Message}", e);
        }
        finally
        {
            foreach (var value in values.Values)
            {
                value.Dispose();
            }
        }
    }

    private static Tensor ToTensor(OrtValue value, string name)
    {
        var info = value.GetTensorTypeAndShape();
        int[] shape = [.. info.Shape.Select(d => checked((int)d))];
        return info.ElementDataType switch
        {
            TensorElementType.Float => Tensor.FromArray(value.GetTensorDataAsSpan<float>().ToArray(), shape),
            TensorElementType.Double => Tensor.FromArray(value.GetTensorDataAsSpan<double>().ToArray(), shape),
            TensorElementType.Int64 => Tensor.FromArray(value.GetTensorDataAsSpan<long>().ToArray(), shape),
            _ => throw new InvalidOperationException($"ONNX Runtime returned output '{name}' of element type {info.ElementDataType}; MiniTorch reads float, double and int64."),
        };
    }

    /// <summary>Frees the native session.</summary>
    public void Dispose() => _session.Dispose();
}
