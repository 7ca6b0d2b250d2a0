using MiniTorch.NN;
using MiniTorch.Optim;
using MiniTorch.Training;

// Usage: CheckpointSaveLoop <checkpoint path>. Prints "saving" before each save and "saved" after it, so the test
// can kill it while a save is under way.
string path = args[0];
var model = new Linear(2048, 2048);   // 16 MB of weights: a save takes long enough to be killed midway
var optimizer = new Sgd(model.Parameters(), lr: 0.1);
for (int epoch = 0; ; epoch++)
{
    Console.Out.WriteLine("saving");
    Console.Out.Flush();
    Checkpoint.Save(path, model, optimizer, scheduler: null, epoch);
    Console.Out.WriteLine("saved");
    Console.Out.Flush();
}
