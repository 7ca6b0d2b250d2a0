namespace MiniTorch.Onnx;

/// <summary>One run of the traced function: the trace, the inputs it was started with and the outputs it returned.</summary>
internal sealed record CapturedTrace(OpTrace Trace, Tensor[] Inputs, Tensor[] Outputs);

/// <summary>Runs a function under a trace, and builds the larger-batch inputs of the second run.</summary>
internal static class TraceCapture
{
    public static CapturedTrace Run(Func<Tensor[], Tensor[]> function, Tensor[] inputs)
    {
        Tensor[] outputs;
        var trace = Tracing.Start(inputs);
        try
        {
            // No graph is recorded: export needs the forward values only, and in-place checks stay the trace's own.
            using (Autograd.NoGrad())
            {
                outputs = function(inputs);
            }
        }
        catch (TracingException e)
        {
            throw new OnnxExportException("ONNX export: " + e.Message, e);
        }
        finally
        {
            trace.Dispose();
        }
        if (outputs is null || outputs.Length == 0)
        {
            throw new OnnxExportException("ONNX export: the traced function returned no outputs; return at least one tensor.");
        }
        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputs[i] is null)
            {
                throw new OnnxExportException($"ONNX export: output {i} of the traced function is null.");
            }
        }
        return new CapturedTrace(trace, inputs, outputs);
    }

    /// <summary>
    /// The inputs with one more sample: each input's first row appended along dim 0. Real rows keep index inputs
    /// (embedding lookups) valid, and batch B + 1 tells which dims of every traced tensor follow the batch.
    /// </summary>
    public static Tensor[] GrowBatch(Tensor[] inputs)
    {
        var grown = new Tensor[inputs.Length];
        using (Autograd.NoGrad())
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                var x = inputs[i];
                if (x.Rank == 0)
                {
                    grown[i] = x;
                    continue;
                }
                if (x.Size(0) == 0)
                {
                    throw new OnnxExportException($"ONNX export: example input {i} has an empty batch (shape {OnnxShapes.Format(x.Shape)}); trace with at least one sample.");
                }
                grown[i] = Tensor.Cat([x, x.Narrow(0, 0, 1)], 0);
            }
        }
        return grown;
    }
}
