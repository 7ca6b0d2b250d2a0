using System.Globalization;
using MiniTorch;
using MiniTorch.Onnx;

namespace TransferLearning;

/// <summary>
/// Transfer learning with a frozen backbone: pretrain on digits 0–4, save the backbone as safetensors, load it under
/// a new head for digits 5–9, freeze it, train only the head on a few labelled images, and compare.
/// Then digits 5–9 from 10, 30 and all labels per class: heads on the frozen ImageNet ResNet-18 (imported from ONNX) and on the digits backbone, against the CNN from scratch.
/// Run: <c>dotnet run --project examples/TransferLearning [-- --out DIR]</c> (files go to DIR, default ./output/TransferLearning).
/// </summary>
public static class Program
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Runs the example with the default settings.</summary>
    public static int Main(string[] args) => Run(args, new TransferSettings(), Console.Out);

    /// <summary>Runs the example with <paramref name="settings"/>, writing to <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(string[] args, TransferSettings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        string outDir = ParseOutDir(args);
        output.WriteLine($"Transfer learning on the 8×8 digits: pretrain on 0–4, then learn 5–9 from {settings.ShotsPerClass} labelled images per class (seed {settings.Seed})");
        var r = TransferExperiment.Run(settings, outDir, (stage, e) =>
        {
            int epochs = stage == "pretrain" ? settings.PretrainEpochs : settings.TransferEpochs;
            if (e.Epoch == 1 || e.Epoch % 5 == 0 || e.Epoch == epochs)
            {
                output.WriteLine(string.Format(Invariant, "[{0,-9}] epoch {1,3}/{2}  train loss {3:0.0000}  acc {4:0.000}   test acc {5:0.000}   ({6:0.000} s)",
                    stage, e.Epoch, epochs, e.TrainLoss, e.TrainAccuracy, e.TestAccuracy, e.Duration.TotalSeconds));
            }
        });
        PrintSummary(r, output);
        PrintOnnxCheck(r, outDir, output);
        string plot = TransferPlots.Save(r, outDir);
        output.WriteLine($"plot: {plot}");
        if (settings.RunLabelBudgets)
        {
            output.WriteLine();
            output.WriteLine("label budgets: extracting the ImageNet ResNet-18 features of the digits once (224×224 images: a few minutes on a CPU)…");
            var budgets = LabelBudgetExperiment.Run(settings, r.FrozenModel.GetSubmodule("backbone"));
            PrintBudgets(budgets, output);
            output.WriteLine($"plot: {TransferPlots.SaveBudgets(budgets, outDir)}");
        }
        return 0;
    }

    private static void PrintBudgets(LabelBudgetResult b, TextWriter output)
    {
        var run = b.ImageNet;
        output.WriteLine();
        output.WriteLine($"ImageNet-pretrained ResNet-18 (Microsoft.ML.DnnImageFeaturizer.ResNet18, CNTK export) imported with OnnxImporter: {run.ParameterCount:N0} weights, frozen");
        output.WriteLine(F("feature extraction (8×8 digits upscaled to 224×224): MiniTorch {0:0.0} images/s, ONNX Runtime {1:0.0} images/s on the same files; max |MiniTorch − ONNX Runtime| over 512-d features {2:0.0e+00}",
            run.MiniTorchImagesPerSecond, run.OnnxRuntimeImagesPerSecond, run.MaxAbsErrorVsOnnxRuntime));
        output.WriteLine($"held-out accuracy on {b.TestImages} images of digits 5–9, by labelled images per class:");
        output.WriteLine("  " + "method".PadRight(40) + string.Concat(b.Budgets.Select(n => n.ToString(Invariant).PadLeft(8))));
        foreach (var method in b.Points.Select(p => p.Method).Distinct())
        {
            output.WriteLine("  " + method.PadRight(40) + string.Concat(b.Points.Where(p => p.Method == method).Select(p => p.TestAccuracy.ToString("0.000", Invariant).PadLeft(8))));
        }
    }

    private static void PrintSummary(TransferResult r, TextWriter output)
    {
        var d = r.Data;
        output.WriteLine();
        output.WriteLine($"digits 0–4: {d.PretrainTrain.Count} training / {d.PretrainTest.Count} test images; digits 5–9: {d.Labelled.Count} labelled / {d.HeldOut.Count} held-out images");
        output.WriteLine(F("pretrained backbone: test accuracy on 0–4 {0:0.0000}", r.Pretrain.TestAccuracy));
        output.WriteLine($"saved backbone: {r.BackbonePath} ({new FileInfo(r.BackbonePath).Length} bytes)");
        output.WriteLine($"loaded backbone equals the pretrained one bit for bit: {Yes(r.LoadedBackboneChanges.Count == 0)}");
        output.WriteLine($"parameters of the frozen model: {r.Counts.Trainable} trainable (head), {r.Counts.Frozen} frozen (backbone)");
        int held = r.HeadOptimizer.ParamGroups.Sum(g => g.Params.Count);
        output.WriteLine($"optimizer holds only the head's parameters: {Yes(r.OptimizerHoldsOnlyHead)} ({held} tensors)");
        output.WriteLine(r.BackboneChanges.Count == 0
            ? "backbone weights and BatchNorm statistics after head training: bit-identical"
            : $"backbone CHANGED during head training: {string.Join(", ", r.BackboneChanges)}");
        output.WriteLine();
        output.WriteLine("accuracy on the held-out 5–9 images, and the median time of a training epoch:");
        foreach (var (run, label) in new[] { (r.Frozen, "frozen backbone + new head"), (r.Scratch, "same architecture from scratch"), (r.FineTune, "full fine-tune of the backbone") })
        {
            output.WriteLine(F("  {0,-32} {1:0.0000}   {2,7:0.0} ms/epoch", label, run.TestAccuracy, run.MedianEpochTime.TotalMilliseconds));
        }
        output.WriteLine(F("an epoch with the frozen backbone takes {0:0.00}× the time of a full fine-tune epoch",
            r.Frozen.MedianEpochTime / r.FineTune.MedianEpochTime));
    }

    /// <summary>Exports the frozen-backbone model to ONNX and checks ONNX Runtime agrees with it on the held-out images.</summary>
    private static void PrintOnnxCheck(TransferResult r, string outDir, TextWriter output)
    {
        var images = new Tensor[r.Data.HeldOut.Count];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = r.Data.HeldOut[i][0];
        }
        var heldOut = Tensor.Stack(images);
        r.FrozenModel.Eval();
        var onnx = OnnxExporter.Export(r.FrozenModel, heldOut[..1]);
        string path = Path.GetFullPath(Path.Combine(outDir, "transfer.onnx"));
        onnx.Save(path);
        var report = OnnxCheck.Compare(onnx, r.FrozenModel, heldOut);
        output.WriteLine(F("frozen-backbone model exported to {0}; ONNX Runtime on {1} held-out images: max abs error {2:0.0e+00}, max rel error {3:0.0e+00}",
            path, images.Length, report.MaxAbsoluteError, report.MaxRelativeError));
    }

    private static string F(string format, params object[] args) => string.Format(Invariant, format, args);

    private static string Yes(bool value) => value ? "yes" : "NO";

    private static string ParseOutDir(string[] args)
    {
        if (args.Length == 0)
        {
            return Path.Combine("output", "TransferLearning");
        }
        if (args.Length == 2 && args[0] == "--out")
        {
            return args[1];
        }
        throw new ArgumentException($"usage: TransferLearning [--out DIR]; got: {string.Join(' ', args)}", nameof(args));
    }
}
