#!/usr/bin/env python3
"""Summarise a dotnet-trace speedscope file: self time per method (the deepest managed frame under CPU_TIME),
as a share of all sampled thread time, top 25. Used for the profiles in docs/benchmarks.md:

    dotnet tool install dotnet-trace --tool-path /tmp/dt
    /tmp/dt/dotnet-trace collect --profile dotnet-sampled-thread-time --format Speedscope -o run.nettrace -- dotnet <app.dll> <args>
    python3 tools/profiling/summarise-speedscope.py run.speedscope.json

Frames named UNM are unmanaged time under that method; WAIT frames are blocked threads."""
import json, sys, collections
def load(fn):
    d = json.load(open(fn))
    frames = d['shared']['frames']
    self_t = collections.Counter(); incl = collections.Counter(); total = 0
    for p in d['profiles']:
        if p['type'] == 'evented':
            stack = []; last = None
            for ev in p['events']:
                t = ev['at']
                if stack and last is not None:
                    dt = t - last
                    real = [f for f in stack if frames[f]['name'] not in ('CPU_TIME','UNMANAGED_CODE_TIME')]
                    if frames[stack[-1]]['name'] == 'CPU_TIME' and real: self_t[real[-1]] += dt
                    elif frames[stack[-1]]['name'] == 'UNMANAGED_CODE_TIME' and real: self_t['UNM:'+str(real[-1])] += dt
                    else: self_t['WAIT:'+str(stack[-1])] += dt
                    for f in set(stack): incl[f] += dt
                    total += dt
                last = t
                if ev['type'] == 'O': stack.append(ev['frame'])
                else: stack.pop()
        else:
            for s, w in zip(p['samples'], p['weights']):
                if not s: continue
                self_t[s[-1]] += w; total += w
                for f in set(s): incl[f] += w
    def name(i):
        if isinstance(i,str):
            a,b=i.split(':'); return a+' '+frames[int(b)]['name']
        return frames[i]['name']
    return {name(k): v for k, v in self_t.items()}, {name(k): v for k, v in incl.items()}, total
for fn in sys.argv[1:]:
    s, inc, tot = load(fn)
    print('==', fn, tot)
    for k, v in sorted(s.items(), key=lambda kv: -kv[1])[:25]:
        print(f"{100*v/tot:6.2f}% self  {k[:150]}")
