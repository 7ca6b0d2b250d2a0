namespace MiniTorch.NN.Tests.Serialization;

/// <summary>Corrupted files and indexes, made at random from valid ones: each loads or is a SafetensorsFormatException, nothing else.</summary>
public class SafetensorsFuzzTests
{
    [Fact]
    public void EveryMutatedFileLoadsOrIsAFormatError()
    {
        using var dir = new TempDirectory();
        string good = dir.File("good.safetensors");
        Safetensors.Save(good, new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.Randn([3, 2], generator: new Generator(1)),
            ["b"] = Tensor.Randn([2], DType.Float64, new Generator(2)),
            ["c"] = Tensor.Scalar(1),
        }, new Dictionary<string, string> { ["format"] = "pt" });
        byte[] bytes = File.ReadAllBytes(good);
        var random = new Random(20);
        string path = dir.File("mutant.safetensors");
        int rejected = 0;
        for (int trial = 0; trial < 500; trial++)
        {
            byte[] mutant = Mutate(bytes, random);
            File.WriteAllBytes(path, mutant);
            try
            {
                using var file = Safetensors.Open(path);
                foreach (string key in file.Keys)
                {
                    file.GetTensor(key);
                    if (file.GetInfo(key).Shape.Length > 0)
                    {
                        file.GetSlice(key, 1, 2);
                    }
                }
                Safetensors.Load(path);
            }
            catch (SafetensorsFormatException e)
            {
                Assert.Equal(path, e.FilePath);
                rejected++;
            }
        }
        Assert.InRange(rejected, 150, 500); // most mutations break the file; the ones that do not still load
    }

    [Fact]
    public void EveryMutatedIndexLoadsOrIsAFormatError()
    {
        using var dir = new TempDirectory();
        var model = new Sequential(new Linear(4, 8, generator: new Generator(1)), new Linear(8, 2, generator: new Generator(2)));
        model.Save(dir.Path, maxShardSize: 100);
        string index = dir.File("model.safetensors.index.json");
        byte[] bytes = File.ReadAllBytes(index);
        var random = new Random(21);
        int rejected = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            File.WriteAllBytes(index, Mutate(bytes, random));
            try
            {
                using var checkpoint = Safetensors.OpenCheckpoint(dir.Path);
                checkpoint.LoadAll();
            }
            catch (SafetensorsFormatException e)
            {
                Assert.Equal(index, e.FilePath);
                rejected++;
            }
        }
        Assert.InRange(rejected, 60, 200);
    }

    /// <summary>One to three byte changes, a truncation or an insertion of a structural character.</summary>
    private static byte[] Mutate(byte[] bytes, Random random)
    {
        var mutant = (byte[])bytes.Clone();
        switch (random.Next(4))
        {
            case 0:
                return mutant[..random.Next(mutant.Length)];
            case 1:
            {
                int at = random.Next(mutant.Length);
                byte[] inserted = [.. mutant[..at], (byte)"{}[],:\"0-9 "[random.Next(11)], .. mutant[at..]];
                return inserted;
            }
            default:
                for (int i = random.Next(1, 4); i > 0; i--)
                {
                    // Mostly in the header, where the structure is.
                    int at = random.Next(Math.Min(mutant.Length, random.Next(2) == 0 ? 200 : mutant.Length));
                    mutant[at] = (byte)random.Next(256);
                }
                return mutant;
        }
    }
}
