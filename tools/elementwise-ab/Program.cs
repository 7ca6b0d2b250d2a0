// Modes: softmax|sum [rounds] [threads] [outer: 64 for the bench's [64,512,256]] (old against new; see run.sh); placement [rounds] [1|2 threads].
string mode = args.Length > 0 ? args[0] : "placement";
int rounds = args.Length > 1 ? int.Parse(args[1]) : 20;
switch (mode)
{
    case "placement":
        MiniTorch.ElementwiseAb.Placement.Run(rounds, args.Length <= 2 || args[2] != "1");
        break;
    case "softmax":
    case "sum":
        MiniTorch.ElementwiseAb.Ab.Run(mode, rounds, args.Length > 2 ? int.Parse(args[2]) : 2, args.Length > 3 ? int.Parse(args[3]) : 64);
        break;
    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 1;
}
return 0;
