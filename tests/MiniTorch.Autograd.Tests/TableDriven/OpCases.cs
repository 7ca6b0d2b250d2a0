using MiniTorch.OpDatabase;

namespace MiniTorch.Tests.TableDriven;

/// <summary>The (row, sample) pairs of <see cref="MiniTorch.OpDatabase.OpTable"/> that each table-driven test runs on.</summary>
internal static class OpCases
{
    /// <summary>
    /// Finite differences run on samples of at most this many input elements: each element costs two evaluations
    /// (and the second-order check adds the output's). Larger samples are golden cases, checked against PyTorch.
    /// </summary>
    public const int MaxFiniteDifferenceElements = 400;

    public static TheoryData<string, int> Where(Func<OpInfo, OpSample, bool> include)
    {
        var data = new TheoryData<string, int>();
        foreach (var op in OpTable.All)
        {
            for (int i = 0; i < op.Samples.Count; i++)
            {
                if (include(op, op.Samples[i]))
                {
                    data.Add(op.Name, i);
                }
            }
        }
        return data;
    }

    /// <summary>Samples the finite-difference checks apply to: not at a kink, and small enough.</summary>
    public static bool FiniteDifferences(OpSample s) => s.NoFiniteDifferences is null && Elements(s) <= MaxFiniteDifferenceElements;

    public static (OpInfo Op, OpSample Sample) Get(string name, int sample)
    {
        var op = OpTable.Get(name);
        return (op, op.Samples[sample]);
    }

    /// <summary>The differentiated output (the first) as a function of the sample's tensors.</summary>
    public static Func<Tensor[], Tensor> First(OpInfo op, OpSample s) => x => op.Call(x, s.Args)[0];

    private static int Elements(OpSample s) => s.MakeInputs(0, requiresGrad: false).Sum(t => t.Numel);
}
