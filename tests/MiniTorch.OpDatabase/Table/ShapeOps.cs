using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>Views, copies, indexing and joining.</summary>
internal static class ShapeOps
{
    public static IEnumerable<OpInfo> All() =>
    [
        Shape("Reshape", "reshape", "Reshape", "Reshape", (x, a) => x.Reshape(a.Ints("shape")),
            Sample(Randn(2, 3, 4)).With(Args(("shape", new[] { 4, -1 }))).Golden("reshape_infer"),
            Sample(Transposed(2, 3)).With(Args(("shape", new[] { 3, -1 }))),
            Sample(Randn(3, 2, 5)).With(Args(("shape", new[] { -1, 10 }))).Onnx()),
        Shape("View", null, "Reshape", "Reshape", (x, a) => x.View(a.Ints("shape")),
            Sample(U(2, 3)).With(Args(("shape", new[] { 6 }))),
            Sample(Randn(3, 2, 5)).With(Args(("shape", new[] { -1, 10 }))).Onnx()),
        Shape("Flatten", null, "Reshape", "Reshape", (x, a) => x.Flatten(a.Int("start"), a.Int("end")),
            Sample(U(2, 1, 3)).With(Args(("start", 0), ("end", -1))),
            Sample(Transposed(2, 3)).With(Args(("start", 0), ("end", -1))),
            Sample(Randn(3, 2, 2, 5)).With(Args(("start", 1), ("end", 2))).Onnx()),
        Shape("Transpose", "transpose", "Transpose", "Transpose", (x, a) => x.Transpose(a.Int("dim0"), a.Int("dim1")),
            Sample(Randn(2, 3, 4)).With(Args(("dim0", 0), ("dim1", -1))).Golden("transpose_negative"),
            Sample(U(2, 3, 2)).With(Args(("dim0", 0), ("dim1", 2))),
            Sample(Transposed(2, 3)).With(Args(("dim0", 0), ("dim1", 1))),
            Sample(Randn(3, 4, 5)).With(Args(("dim0", 1), ("dim1", 2))).Onnx()),
        new()
        {
            Name = "T", Api = [], Onnx = OnnxSupport.Export("Transpose", "Transpose"),
            Call = One(x => x[0].T),
            Samples = [Sample(U(2, 3)), Sample(Sliced(3, 2))],
        },
        Shape("Permute", "permute", "Permute", "Transpose", (x, a) => x.Permute(a.Ints("dims")),
            Sample(Randn(2, 3, 4)).With(Args(("dims", new[] { 2, 0, 1 }))).Golden("permute"),
            Sample(U(2, 3, 2)).With(Args(("dims", new[] { 2, 0, 1 }))),
            Sample(TransposedLastTwo(2, 3, 4)).With(Args(("dims", new[] { 1, 2, 0 }))),
            Sample(Randn(3, 4, 5)).With(Args(("dims", new[] { 0, 2, 1 }))).Onnx()),
        Shape("Expand", "expand", "Expand", "Expand", (x, a) => x.Expand(a.Ints("sizes")),
            Sample(Randn(3, 1)).With(Args(("sizes", new[] { 2, 3, 4 }))).Golden("expand_new_leading_dims"),
            Sample(Randn(1, 4)).With(Args(("sizes", new[] { 3, -1 }))).Golden("expand_keep_size"),
            Sample(U(3, 1)).With(Args(("sizes", new[] { 2, 3, 2 }))),
            Sample(Sliced(3, 1)).With(Args(("sizes", new[] { 2, 3, 4 }))),
            Sample(Randn(3, 1)).With(Args(("sizes", new[] { -1, 4 }))).Onnx()),
        new()
        {
            Name = "ExpandAs", Api = ["Tensor.ExpandAs"], Onnx = OnnxSupport.Export("Expand", "Expand"),
            Call = One(x => x[0].ExpandAs(x[1])),
            Samples = [Sample(U(1, 3), U(2, 3)).Grad(true, false), Sample(Randn(1, 3), Randn(2, 3)).OnnxFixed()],
        },
        Shape("Narrow", "narrow", "Narrow", "Slice", (x, a) => x.Narrow(a.Int("dim"), a.Int("start"), a.Int("length")),
            Sample(Randn(3, 5)).With(Args(("dim", 1), ("start", 1), ("length", 3))).Golden("narrow_dim_1"),
            Sample(Randn(2, 4, 3)).With(Args(("dim", -2), ("start", 2), ("length", 2))).Golden("narrow_negative_dim"),
            Sample(Sliced(2, 4)).With(Args(("dim", 1), ("start", 1), ("length", 2))),
            Sample(Randn(3, 5)).With(Args(("dim", 1), ("start", 1), ("length", 3))).Onnx()),
        Shape("Select", null, "Narrow", "Slice", (x, a) => x.Select(a.Int("dim"), a.Int("index")),
            Sample(U(3, 2)).With(Args(("dim", 0), ("index", -1))),
            Sample(Transposed(3, 4)).With(Args(("dim", 1), ("index", 2))),
            Sample(Randn(3, 4)).With(Args(("dim", 1), ("index", 2))).Onnx()),
        Shape("Squeeze", "squeeze", "Reshape", "Reshape", (x, a) => a.NullableInt("dim") is int dim ? x.Squeeze(dim) : x.Squeeze(),
            Sample(Randn(1, 3, 1, 4)).With(Args(("dim", null))).Golden("squeeze_all"),
            Sample(Randn(3, 1, 4)).With(Args(("dim", -2))).Golden("squeeze_dim_negative"),
            Sample(Randn(3, 4)).With(Args(("dim", 0))).Golden("squeeze_dim_not_one"),
            Sample(U(1, 1, 3)).With(Args(("dim", null))),
            Sample(U(1, 1, 3)).With(Args(("dim", 1))),
            Sample(Sliced(3, 1)).With(Args(("dim", 1))),
            Sample(Randn(3, 1, 4)).With(Args(("dim", 1))).Onnx()),
        Shape("Unsqueeze", "unsqueeze", "Reshape", "Reshape", (x, a) => x.Unsqueeze(a.Int("dim")),
            Sample(Randn(3, 4)).With(Args(("dim", -1))).Golden("unsqueeze_negative"),
            Sample(Randn(3, 4)).With(Args(("dim", 1))).Golden("unsqueeze_middle"),
            Sample(U(3)).With(Args(("dim", 0))),
            Sample(U(3)).With(Args(("dim", 1))),
            Sample(Transposed(2, 3)).With(Args(("dim", 1))),
            Sample(Randn(3, 4)).With(Args(("dim", 1))).Onnx()),
        new()
        {
            Name = "Index", Api = ["Tensor.get_Index"], GoldenKey = "index", Onnx = OnnxSupport.Export("Narrow", "Slice"),
            Call = One((x, a) => x[0][Indices(a.List("items"))]),
            Samples =
            [
                Sample(Randn(3, 4)).With(Items(Slice(1, null), Int(-1))).Golden("index_range_from_1_last"),
                Sample(Randn(3, 4, 5)).With(Items(Int(1), Slice(1, -1))).Golden("index_int_then_range"),
                Sample(Randn(2, 3, 4)).With(Items(Args(("kind", "ellipsis")), Args(("kind", "newaxis")), Slice(null, 2))).Golden("index_ellipsis_newaxis"),
                Sample(U(3, 2)).With(Items(Slice(1, null), Int(0))),
                Sample(Transposed(3, 4)).With(Items(Slice(null, -1), Slice(1, 3))),
                Sample(U(3, 2)).With(Items(Args(("kind", "ellipsis")), Slice(null, -1), Int(-1))),
                Sample(Randn(3, 4, 5)).With(Items(Slice(null, null), Int(1), Slice(1, -1))).Onnx(),
            ],
        },
        Shape("Clone", null, "Clone", "Identity", (x, _) => x.Clone(),
            Sample(Transposed(2, 2)),
            Sample(Randn(3, 5)).Onnx()),
        Shape("Contiguous", null, "Clone", "Identity", (x, _) => x.Contiguous(),
            Sample(Transposed(3, 2)),
            Sample(Transposed(3, 5)).Onnx()),
        new()
        {
            Name = "Cat", Api = ["Tensor.Cat"], GoldenKey = "cat", Onnx = OnnxSupport.Export("Cat", "Concat"),
            Call = One((x, a) => Tensor.Cat(x, a.Int("dim"))),
            Samples =
            [
                Sample(Randn(2, 3), Randn(1, 3), Randn(3, 3)).With(Args(("dim", 0))).Golden("cat_dim_0"),
                Sample(Randn(2, 3, 2), Randn(2, 3, 1)).With(Args(("dim", -1))).Golden("cat_dim_negative"),
                Sample(U(2, 2), Transposed(2, 3)).With(Args(("dim", 1))),
                Sample(U(2, 2), Values([1, 1], 1, 2)).Grad(true, false).With(Args(("dim", 0))),
                Sample(Randn(3, 2), Randn(2, 2)).With(Args(("dim", 0))).Onnx(),
                Sample(Randn(3, 2), Randn(3, 4)).With(Args(("dim", 1))).OnnxFixed(),
            ],
        },
        new()
        {
            Name = "Stack", Api = ["Tensor.Stack"], GoldenKey = "stack", Onnx = OnnxSupport.Export("Cat", "Concat"),
            Call = One((x, a) => Tensor.Stack(x, a.Int("dim"))),
            Samples =
            [
                Sample(Randn(2, 3), Randn(2, 3)).With(Args(("dim", 0))).Golden("stack_dim_0"),
                Sample(Randn(2, 3), Randn(2, 3), Randn(2, 3)).With(Args(("dim", -1))).Golden("stack_dim_negative"),
                Sample(U(2, 3), Sliced(2, 3)).With(Args(("dim", 1))),
                Sample(Randn(3, 4), Randn(3, 4)).With(Args(("dim", 1))).OnnxFixed(),
            ],
        },
        new()
        {
            Name = "SumToShape", Api = ["Tensor.SumToShape"], Onnx = OnnxSupport.Export("Sum", "ReduceSum"),
            Call = One((x, a) => x[0].SumToShape(a.Ints("shape"))),
            Samples =
            [
                Sample(U(2, 3, 4)).With(Args(("shape", new[] { 3, 1 }))),
                Sample(Transposed(3, 4)).With(Args(("shape", new[] { 4 }))),
                Sample(Randn(3, 4, 5)).With(Args(("shape", new[] { 4, 1 }))).Onnx(),
            ],
        },
        new()
        {
            Name = "To", Api = ["Tensor.To"], Onnx = OnnxSupport.Export("To", "Cast"),
            // The output dtype is the argument's, whatever the input's: the float32-against-float64 comparison does not apply.
            DTypes = [DType.Float64],
            Call = One((x, a) => x[0].To(a.String("dtype") == "float32" ? DType.Float32 : DType.Float64)),
            Samples =
            [
                Sample(Transposed(2, 3)).With(Args(("dtype", "float64"))),
                Sample(Transposed(2, 3)).With(Args(("dtype", "float32"))).Kink("a float32 output: the finite differences run in float64"),
                Sample(Randn(3, 5)).With(Args(("dtype", "float64"))).Onnx(),
            ],
        },
    ];

    private static OpInfo Shape(string name, string? goldenKey, string traceName, string onnxOp, Func<Tensor, OpArgs, Tensor> f, params OpSample[] samples) => new()
    {
        Name = name, Api = [$"Tensor.{name}"], GoldenKey = goldenKey, Samples = samples,
        Call = One((x, a) => f(x[0], a)),
        Onnx = OnnxSupport.Export(traceName, onnxOp),
    };

    private static OpArgs Items(params OpArgs[] items) => Args(("items", (IReadOnlyList<OpArgs>)items));

    private static OpArgs Int(int value) => Args(("kind", "int"), ("value", value));

    private static OpArgs Slice(int? start, int? end) => Args(("kind", "slice"), ("start", start), ("end", end));

    /// <summary>The index items as C# indices: an int, a range (null ends open, negatives from the end), ..., or a new axis.</summary>
    private static TensorIndex[] Indices(IReadOnlyList<OpArgs> items) =>
    [
        .. items.Select(item => item.String("kind") switch
        {
            "int" => (TensorIndex)item.Int("value"),
            "slice" => (TensorIndex)new Range(Bound(item.NullableInt("start"), Index.Start), Bound(item.NullableInt("end"), Index.End)),
            "ellipsis" => TensorIndex.Ellipsis,
            "newaxis" => TensorIndex.NewAxis,
            var kind => throw new NotSupportedException($"index kind '{kind}'"),
        }),
    ];

    private static Index Bound(int? i, Index open) => i switch
    {
        null => open,
        < 0 => Index.FromEnd(-i.Value),
        _ => Index.FromStart(i.Value),
    };
}
