using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Benchmarks.Runner;

/// <summary>What the machine is: <c>lscpu</c> (falling back to /proc/cpuinfo), the SIMD flags that matter, and a peak estimate.</summary>
internal static class CpuInfo
{
    private static readonly string[] RelevantFlags =
        ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile"];

    public static Dictionary<string, object?> Collect()
    {
        string lscpu = RunLscpu();
        string cpuinfo = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : "";
        string model = Field(lscpu, "Model name") ?? Field(cpuinfo, "model name") ?? "?";
        var flags = new HashSet<string>((Field(lscpu, "Flags") ?? Field(cpuinfo, "flags") ?? "").Split(' '));
        double? maxMhz = double.TryParse(Field(lscpu, "CPU max MHz"), out var mx) ? mx : null;
        double? curMhz = double.TryParse(Field(cpuinfo, "cpu MHz"), out var cm) ? cm : null;
        double mhz = maxMhz ?? curMhz ?? double.NaN;
        bool avx512 = flags.Contains("avx512f");
        int cores = Environment.ProcessorCount;
        // Two FMA pipes per core: 2 x 8 lanes x 2 flop with AVX2, 2 x 16 x 2 with full-width AVX-512.
        int flopPerCycle = avx512 ? 64 : 32;
        return new Dictionary<string, object?>
        {
            ["model_name"] = model,
            ["cpu_family"] = Field(lscpu, "CPU family"),
            ["model"] = Field(lscpu, "Model"),
            ["logical_cpus"] = cores,
            ["threads_per_core"] = Field(lscpu, "Thread(s) per core"),
            ["cores_per_socket"] = Field(lscpu, "Core(s) per socket"),
            ["sockets"] = Field(lscpu, "Socket(s)"),
            ["relevant_flags"] = string.Join(" ", RelevantFlags.Select(f => flags.Contains(f) ? f : $"-{f}")),
            ["has_avx512"] = avx512,
            ["dotnet_avx2_fma"] = Avx2.IsSupported && Fma.IsSupported,
            ["dotnet_vector512_accelerated"] = Vector512.IsHardwareAccelerated,
            ["lscpu_max_mhz"] = maxMhz,
            ["proc_cpuinfo_mhz"] = curMhz,
            ["peak_gflops_machine"] = cores * flopPerCycle * mhz / 1e3,
            ["peak_assumption"] = $"{cores} cores x {flopPerCycle} FP32 flop/cycle ({(avx512 ? "2x512-bit" : "2x256-bit")} FMA) x {mhz / 1e3:F3} GHz " +
                                  (maxMhz is null ? "(no 'CPU max MHz' in lscpu; /proc/cpuinfo 'cpu MHz' = nominal/TSC, boost unknown)" : "(lscpu CPU max MHz)"),
            ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            ["server_gc"] = System.Runtime.GCSettings.IsServerGC,
        };
    }

    private static string RunLscpu()
    {
        try
        {
            var psi = new ProcessStartInfo("lscpu") { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            string text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return ""; // lscpu missing: /proc/cpuinfo answers instead
        }
    }

    private static string? Field(string text, string key)
    {
        foreach (var line in text.Split('\n'))
        {
            // "Model:" must not match "Model name:": compare the whole key up to the colon.
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return line[(colon + 1)..].Trim();
            }
        }
        return null;
    }
}
