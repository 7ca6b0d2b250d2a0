namespace MiniTorch.NN;

public static partial class Functional
{
    /// <summary>
    /// The values of an integer index tensor in row-major order: Int64, or Int32 where <paramref name="allowInt32"/> (the
    /// dtypes PyTorch accepts there). Any other dtype (float labels included) is refused naming <paramref name="op"/>.
    /// </summary>
    internal static long[] IndexValues(string op, string what, Tensor indices, bool allowInt32)
    {
        if (indices.DType == DType.Int64)
        {
            return indices.ToArray<long>();
        }
        if (allowInt32 && indices.DType == DType.Int32)
        {
            return Array.ConvertAll(indices.ToArray<int>(), static i => (long)i);
        }
        string expected = allowInt32 ? "Long or Int" : "Long";
        throw new ArgumentException($"{op}: expected {what} of scalar type {expected}, but got {indices.DType.TorchName()} (PyTorch refuses it too). Build them with Tensor.FromArray(long[]) (e.g. Tensor.FromArray([0, 2, 1])) or convert with .To(DType.Int64).", nameof(indices));
    }
}
