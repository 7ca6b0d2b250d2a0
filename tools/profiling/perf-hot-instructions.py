#!/usr/bin/env python3
"""The hottest instructions of one JIT-compiled method, from a `perf` profile and the JIT's own disassembly.

dotnet-trace's sampled thread time suspends threads at safe points and charges their time to where they stop, so
inside a kernel it cannot say which loop is hot (it showed Monitor.Enter_Slowpath and PollGC where perf sees neither;
docs/benchmarks.md, 2026-12-03). perf samples on the timer; this script places its sample addresses on the
instructions of the JIT's listing:

    DOTNET_PerfMapEnabled=3 DOTNET_EnableWriteXorExecute=0 \\
    DOTNET_JitDisasm='Multiply' DOTNET_JitDisasmWithCodeBytes=1 DOTNET_JitStdOutFile=/tmp/jit.txt \\
        perf record -F 4000 -o /tmp/perf.data dotnet <app.dll> <args>
    python3 tools/profiling/perf-hot-instructions.py /tmp/perf.data /tmp/jit.txt 'ConvBatchedForward`1[System.Single]::Multiply'

The method's address comes from the profiled process's /tmp/perf-<pid>.map (the last code version whose name contains
the pattern; tiered compilation makes several); the listing used is the last one in the JIT output, which is the final tier when the
process ran long enough. Samples land one instruction after a stalled one (skid): read the line above a hot line too.
"""
import collections
import glob
import re
import subprocess
import sys


def method_range(pid, pattern):
    """(start, size) of the last code version in the process's perf map whose symbol contains pattern."""
    found = None
    for line in open(f'/tmp/perf-{pid}.map', errors='replace'):
        start, size, name = line.rstrip('\n').split(' ', 2)
        if pattern in name:
            found = (int(start, 16), int(size, 16))
    if found is None:
        sys.exit(f'no symbol containing {pattern!r} in /tmp/perf-{pid}.map')
    return found


def listing(path):
    """(offset, instruction) of the last method listing in a DOTNET_JitStdOutFile with code bytes."""
    text = open(path, errors='replace').read()
    last = text.split('; Assembly listing for method')[-1]
    offset, rows = 0, []
    for line in last.split('\n'):
        label = re.match(r'^G_M\d+_IG\d+:\s+;; offset=0x([0-9A-F]+)', line)
        if label:
            offset = int(label.group(1), 16)
            continue
        code = re.match(r'^\s{7}([0-9A-F]+)\s+(\S.*)$', line)
        if code and len(code.group(1)) % 2 == 0:
            rows.append((offset, code.group(2)))
            offset += len(code.group(1)) // 2
    return rows


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    data, disasm, pattern = sys.argv[1:]
    samples = [line.split() for line in subprocess.run(['perf', 'script', '-i', data, '-F', 'pid,ip'], capture_output=True,
                                                       text=True, check=True).stdout.splitlines() if line.strip()]
    # The process that ran the method is the one with a perf map and the most samples (dotnet's host forks none).
    pid = collections.Counter(p for p, _ in samples if glob.glob(f'/tmp/perf-{p}.map')).most_common(1)[0][0]
    start, size = method_range(pid, pattern)
    ips = [int(ip, 16) for p, ip in samples if p == pid]
    counts = collections.Counter(ip - start for ip in ips if start <= ip < start + size)
    inside = sum(counts.values())
    print(f'{inside} of {len(ips)} samples in the method ({100 * inside / max(1, len(ips)):.1f}%)')
    rows = listing(disasm)
    hot = {offset for offset, n in counts.items() if n >= 0.01 * inside}
    shown = set()
    for i, (offset, _) in enumerate(rows):
        if offset in hot:
            shown.update(range(max(0, i - 3), min(len(rows), i + 2)))
    previous = None
    for i in sorted(shown):
        if previous is not None and i != previous + 1:
            print('   ...')
        offset, text = rows[i]
        share = f'{100 * counts[offset] / inside:5.1f}%' if counts[offset] else ''
        print(f'{offset:6x} {share:>6}  {text[:100]}')
        previous = i


if __name__ == '__main__':
    main()
