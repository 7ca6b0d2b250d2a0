using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>
/// Random expressions: a seeded generator draws a base shape, two or three leaves whose shapes broadcast to it
/// (leading dims dropped, dims set to 1, sometimes a transposed leaf view), and a short chain of ops from the
/// tables below applied to random earlier results; each graph must pass GradCheck and GradGradCheck, and the
/// forward-mode checks (GradCheck.CheckForward, CheckForwardReverseAgree).
/// Every op keeps its operands broadcast-compatible with the base shape, so any two results can be combined.
/// Ops with kinks (Abs, Relu, Max) are left to their own tests: here a kink could land within a finite-difference step.
/// </summary>
public class RandomGraphTests
{
    private const int GraphCount = 30;

    private static readonly (string Name, Func<Tensor, Tensor> Op)[] Unary =
    [
        ("Tanh", t => t.Tanh()),
        ("Sigmoid", t => t.Sigmoid()),
        ("Sin", t => t.Sin()),
        ("Cos", t => t.Cos()),
        ("Square", t => t.Square()),
        ("ExpTanh", t => t.Tanh().Exp()),
        ("Softplus", t => (t.Tanh().Exp() + 1).Log()),
        ("Hypot1", t => (t * t + 1).Sqrt()),
        ("Affine", t => t * 0.5 - 0.25),
        ("Softmax", t => t.Softmax(-1)),
        ("LogSoftmax", t => t.LogSoftmax(0)),
        ("SumKeep", t => t.Sum(-1, keepDim: true)),
        ("MeanKeep", t => t.Mean(0, keepDim: true)),
        ("LogSumExpKeep", t => t.LogSumExp(-1, keepDim: true)),
        ("VarKeep", t => t.Var([-1], correction: 0, keepDim: true)),
        ("NormKeep", t => (t * t + 0.1).Norm(2, [0], keepDim: true)),
        ("PowShifted", t => (t * t + 0.5).Pow(1.5)),
        ("TransposeRoundTrip", t => t.Transpose(0, -1).Tanh().Transpose(0, -1)),
        ("ReshapeRoundTrip", t => t.Reshape(-1).Sin().Reshape(t.Shape)),
        ("PermuteRoundTrip", t => t.Rank == 3 ? t.Permute(2, 0, 1).Cos().Permute(1, 2, 0) : t.Cos()),
        ("Roll", t => t.Rank == 0 ? t : Tensor.Cat([t.Narrow(-1, 1, t.Size(-1) - 1), t.Narrow(-1, 0, 1)], -1)),
        ("Reverse", t => t.Rank == 0 ? t : t.IndexSelect(-1, Enumerable.Range(0, t.Size(-1)).Reverse().ToArray())),
        ("Gram", Gram),
        ("Clone", t => t.Clone() * t),
    ];

    private static readonly (string Name, Func<Tensor, Tensor, Tensor> Op)[] Binary =
    [
        ("Add", (a, b) => a + b),
        ("Sub", (a, b) => a - b),
        ("Mul", (a, b) => a * b),
        ("DivSafe", (a, b) => a / (b * b + 1)),
        ("PowPositiveBase", (a, b) => Tensor.Pow(a.Sigmoid() + 0.5, b.Tanh())),
        ("WhereGreater", (a, b) => Tensor.Where(a.Gt(b), a * 2, b)),
        ("StackSum", (a, b) => Tensor.Stack([a.Expand(Broadcast(a, b)), b.Expand(Broadcast(a, b))], 0).Sum(0)),
    ];

    public static TheoryData<int> GraphIndices() => new(Enumerable.Range(0, GraphCount));

    [Theory]
    [MemberData(nameof(GraphIndices))]
    public void RandomGraph_GradientsMatchFiniteDifferences(int index) =>
        CheckGraph(index, static (function, leaves) => CheckGradients(function, leaves));

    /// <summary>The same graphs in forward mode: JVPs match finite differences, and forward and reverse Jacobians agree.</summary>
    [Theory]
    [MemberData(nameof(GraphIndices))]
    public void RandomGraph_ForwardModeMatchesFiniteDifferencesAndReverseMode(int index) =>
        CheckGraph(index, static (function, leaves) =>
        {
            Assert.True(GradCheck.CheckForward(function, leaves));
            Assert.True(GradCheck.CheckForwardReverseAgree(function, leaves));
        });

    private static void CheckGraph(int index, Action<Func<Tensor[], Tensor>, Tensor[]> check)
    {
        var g = new Generator(1000 + index);
        var baseShape = DrawBaseShape(g);
        int leafCount = 2 + g.NextInt(2);
        var leaves = new Tensor[leafCount];
        var description = new List<string> { $"base {Format(baseShape)}" };
        for (int i = 0; i < leafCount; i++)
        {
            leaves[i] = DrawLeaf(g, baseShape);
            description.Add($"t{i}: {Format(leaves[i].Shape)}{(leaves[i].IsContiguous ? "" : " (transposed view)")}");
        }
        var recipe = DrawRecipe(g, index, leafCount, description);
        Tensor Function(Tensor[] t)
        {
            var pool = new List<Tensor>(t);
            foreach (var step in recipe)
            {
                pool.Add(step.Second < 0 ? Unary[step.Op].Op(pool[step.First]) : Binary[step.Op].Op(pool[step.First], pool[step.Second]));
            }
            return pool[^1];
        }
        try
        {
            check(Function, leaves);
        }
        catch (Exception ex) when (ex is GradCheckException or ArgumentException or AutogradException)
        {
            Assert.Fail($"Random graph {index} [{string.Join("; ", description)}] failed: {ex.Message}");
        }
    }

    [Fact]
    public void RandomGraph_RecipesCoverEveryOpInTheTables()
    {
        // The graphs are only as good as their coverage: every table entry must be drawn at least once.
        var usedUnary = new HashSet<int>();
        var usedBinary = new HashSet<int>();
        for (int index = 0; index < GraphCount; index++)
        {
            var g = new Generator(1000 + index);
            var baseShape = DrawBaseShape(g);
            int leafCount = 2 + g.NextInt(2);
            for (int i = 0; i < leafCount; i++)
            {
                DrawLeaf(g, baseShape);
            }
            foreach (var step in DrawRecipe(g, index, leafCount, []))
            {
                (step.Second < 0 ? usedUnary : usedBinary).Add(step.Op);
            }
        }
        Assert.Equal(Unary.Length, usedUnary.Count);
        Assert.Equal(Binary.Length, usedBinary.Count);
    }

    private readonly record struct Step(int Op, int First, int Second);

    /// <summary>Rank 0–3, sizes 1–3, at most 18 elements so each graph checks in well under a second.</summary>
    private static int[] DrawBaseShape(Generator g)
    {
        while (true)
        {
            var shape = new int[g.NextInt(4)];
            for (int d = 0; d < shape.Length; d++)
            {
                shape[d] = 1 + g.NextInt(3);
            }
            if (shape.Aggregate(1, (n, s) => n * s) <= 18)
            {
                return shape;
            }
        }
    }

    /// <summary>A leaf whose shape broadcasts to <paramref name="baseShape"/>; a rank-2 leaf is sometimes a transposed view.</summary>
    private static Tensor DrawLeaf(Generator g, int[] baseShape)
    {
        int drop = g.NextInt(baseShape.Length + 1) == 0 ? g.NextInt(baseShape.Length + 1) : 0;
        var shape = baseShape[drop..];
        for (int d = 0; d < shape.Length; d++)
        {
            if (g.NextInt(3) == 0)
            {
                shape[d] = 1;
            }
        }
        if (shape.Length == 2 && g.NextInt(2) == 0)
        {
            var storage = Uniform(g, [shape[1], shape[0]], requiresGrad: false);
            return storage.T.SetRequiresGrad();
        }
        return Uniform(g, shape);
    }

    /// <summary>
    /// Three to six steps; each takes one or two earlier results (leaves included) and appends its own. The first
    /// two steps use table entries picked by the graph's index, so the 30 graphs together use every entry; the
    /// rest are drawn at random.
    /// </summary>
    private static List<Step> DrawRecipe(Generator g, int index, int leafCount, List<string> description)
    {
        var recipe = new List<Step>();
        int steps = 3 + g.NextInt(4);
        for (int s = 0; s < steps; s++)
        {
            int available = leafCount + s;
            // Favour the latest result so the chain gets deep, but let earlier values join in.
            int first = s == 0 ? g.NextInt(leafCount) : g.NextInt(2) == 0 ? available - 1 : g.NextInt(available);
            bool unary = s == 0 || (s > 1 && g.NextInt(5) < 2);
            if (unary)
            {
                int op = s == 0 ? index % Unary.Length : g.NextInt(Unary.Length);
                recipe.Add(new Step(op, first, -1));
                description.Add($"v{available} = {Unary[op].Name}(v{first})");
            }
            else
            {
                int op = s == 1 ? index % Binary.Length : g.NextInt(Binary.Length);
                int second = g.NextInt(available);
                recipe.Add(new Step(op, first, second));
                description.Add($"v{available} = {Binary[op].Name}(v{first}, v{second})");
            }
        }
        return recipe;
    }

    /// <summary>A shape-preserving product: (t·tᵀ)·t / 10 for matrices (batched for rank 3), t·(t·t) / 10 for vectors.</summary>
    private static Tensor Gram(Tensor t) => t.Rank switch
    {
        0 => t * t * t * 0.1,
        1 => t * Tensor.Dot(t, t) * 0.1,
        _ => Tensor.Matmul(Tensor.Matmul(t, t.Transpose(-1, -2)), t) * 0.1,
    };

    private static int[] Broadcast(Tensor a, Tensor b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a.Size(i - (rank - a.Rank));
            int db = i < rank - b.Rank ? 1 : b.Size(i - (rank - b.Rank));
            shape[i] = Math.Max(da, db);
        }
        return shape;
    }

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
