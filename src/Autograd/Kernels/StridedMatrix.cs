namespace MiniTorch.Kernels;

/// <summary>
/// A matrix inside a managed array: element (i, j) is <c>Data[Offset + i·RowStride + j·ColStride]</c>. Transposed,
/// sliced and broadcast (stride 0) views of a tensor are all of this form, so kernels that take one need no copy.
/// </summary>
internal readonly record struct StridedMatrix<T>(T[] Data, int Offset, int RowStride, int ColStride)
    where T : unmanaged
{
    /// <summary>A row-major matrix with <paramref name="columns"/> columns starting at <paramref name="offset"/>.</summary>
    public static StridedMatrix<T> RowMajor(T[] data, int offset, int columns) => new(data, offset, columns, 1);

    /// <summary>The same elements read as the transpose.</summary>
    public StridedMatrix<T> Transposed => new(Data, Offset, ColStride, RowStride);
}
