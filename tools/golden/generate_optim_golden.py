#!/usr/bin/python3
"""Records optimizer, scheduler and gradient-clipping trajectories from real PyTorch as golden data for
tests/MiniTorch.Optim.Tests/Golden/*.json. The C# tests replay them and compare.

Run with the system Python that has PyTorch (1.13 when the data was recorded):
    /usr/bin/python3 tools/golden/generate_optim_golden.py

Optimizer cases: two parameters (shapes [2, 3] and [4]) start from fixed values; at each step the gradient of a
fixed loss at the current parameters is computed with autograd, recorded, and the optimizer steps. Some cases
drop the second parameter's gradient on chosen steps (recorded as null) to check that such parameters are
skipped. The C# test sets the recorded gradients, steps, and compares the parameters after every step, so
rounding differences do not feed back into the gradients.
"""
import json
import math
import os
import warnings

import torch

warnings.filterwarnings("ignore")  # the epoch-argument deprecation SequentialLR triggers inside PyTorch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "MiniTorch.Optim.Tests", "Golden")
DTYPES = {"float32": torch.float32, "float64": torch.float64}
SHAPES = [[2, 3], [4]]
STEPS = 8

INITIAL = [
    [0.5, -1.25, 2.0, -0.3, 0.8, 1.7],
    [-0.6, 0.05, 1.1, -2.2],
]
TARGET = [
    [1.0, 0.5, -0.5, 0.0, 2.0, -1.0],
    [0.3, -0.7, 0.9, 0.0],
]
WEIGHT = [
    [1.0, 2.0, 0.5, 3.0, 0.25, 1.5],
    [0.75, 4.0, 1.25, 0.1],
]


def loss_fn(params, dtype):
    """A smooth loss whose gradient changes sign and scale from element to element and step to step."""
    total = 0
    for p, t, w in zip(params, TARGET, WEIGHT):
        t = torch.tensor(t, dtype=dtype).reshape(p.shape)
        w = torch.tensor(w, dtype=dtype).reshape(p.shape)
        total = total + (w * (p - t) ** 2).sum() + 0.3 * torch.sin(3 * p).sum()
    return total


def make_optimizer(kind, params_or_groups, options):
    cls = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW, "RMSprop": torch.optim.RMSprop}[kind]
    opts = dict(options)
    if "betas" in opts:
        opts["betas"] = tuple(opts["betas"])
    return cls(params_or_groups, **opts)


def make_scheduler(spec, opt):
    kind, args = spec["kind"], spec.get("args", {})
    S = torch.optim.lr_scheduler
    if kind == "StepLR":
        return S.StepLR(opt, **args)
    if kind == "MultiStepLR":
        return S.MultiStepLR(opt, **args)
    if kind == "ExponentialLR":
        return S.ExponentialLR(opt, **args)
    if kind == "CosineAnnealingLR":
        return S.CosineAnnealingLR(opt, **args)
    if kind == "LinearLR":
        return S.LinearLR(opt, **args)
    if kind == "SequentialLR":
        children = [make_scheduler(c, opt) for c in spec["schedulers"]]
        return S.SequentialLR(opt, children, milestones=spec["milestones"])
    raise ValueError(kind)


def optimizer_case(name, kind, options, groups=None, null_grad_steps=(), scheduler=None):
    cases = []
    for dtype_name, dtype in DTYPES.items():
        params = [torch.tensor(v, dtype=dtype).reshape(s).requires_grad_() for v, s in zip(INITIAL, SHAPES)]
        if groups is None:
            opt = make_optimizer(kind, params, options)
        else:
            opt = make_optimizer(kind, [dict(g["options"], params=[params[i] for i in g["params"]]) for g in groups], options)
        sched = make_scheduler(scheduler, opt) if scheduler else None
        steps = []
        for step in range(STEPS):
            opt.zero_grad(set_to_none=True)
            loss_fn(params, dtype).backward()
            if step in null_grad_steps:
                params[1].grad = None
            grads = [None if p.grad is None else p.grad.reshape(-1).tolist() for p in params]
            opt.step()
            if sched:
                sched.step()
            steps.append({"grads": grads, "params": [p.detach().reshape(-1).tolist() for p in params]})
        case = {
            "name": f"{name}_{dtype_name}",
            "optimizer": kind,
            "dtype": dtype_name,
            "options": options,
            "shapes": SHAPES,
            "initial": INITIAL,
            "steps": steps,
        }
        if groups is not None:
            case["groups"] = groups
        if scheduler is not None:
            case["scheduler"] = scheduler
        cases.append(case)
    return cases


def optimizer_cases():
    two_groups = [{"params": [0], "options": {}}, {"params": [1], "options": {"lr": 0.02, "weight_decay": 0.1}}]
    cases = []
    specs = [
        ("sgd_plain", "SGD", {"lr": 0.05}),
        ("sgd_momentum", "SGD", {"lr": 0.05, "momentum": 0.9}),
        ("sgd_momentum_dampening", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.5}),
        ("sgd_nesterov", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
        ("sgd_weight_decay", "SGD", {"lr": 0.05, "weight_decay": 0.1}),
        ("sgd_maximize", "SGD", {"lr": 0.01, "maximize": True}),
        ("sgd_all", "SGD", {"lr": 0.03, "momentum": 0.7, "weight_decay": 0.05, "nesterov": True, "maximize": True}),
        ("adam_default", "Adam", {"lr": 0.01}),
        ("adam_betas_eps", "Adam", {"lr": 0.02, "betas": [0.8, 0.95], "eps": 1e-3}),
        ("adam_amsgrad", "Adam", {"lr": 0.05, "amsgrad": True}),
        ("adam_weight_decay", "Adam", {"lr": 0.01, "weight_decay": 0.1}),
        ("adam_maximize", "Adam", {"lr": 0.01, "maximize": True}),
        ("adam_all", "Adam", {"lr": 0.03, "betas": [0.85, 0.99], "weight_decay": 0.05, "amsgrad": True, "maximize": True}),
        ("adamw_default", "AdamW", {"lr": 0.01}),
        ("adamw_amsgrad", "AdamW", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
        ("adamw_maximize", "AdamW", {"lr": 0.02, "weight_decay": 0.2, "maximize": True}),
        ("rmsprop_default", "RMSprop", {"lr": 0.01}),
        ("rmsprop_centered", "RMSprop", {"lr": 0.01, "centered": True}),
        ("rmsprop_momentum", "RMSprop", {"lr": 0.01, "momentum": 0.9}),
        ("rmsprop_all", "RMSprop", {"lr": 0.005, "alpha": 0.9, "eps": 1e-4, "weight_decay": 0.1, "momentum": 0.5, "centered": True}),
        ("rmsprop_maximize", "RMSprop", {"lr": 0.01, "maximize": True}),
    ]
    for name, kind, options in specs:
        cases += optimizer_case(name, kind, options)
    for kind, options in [("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adam", {"lr": 0.01}), ("AdamW", {"lr": 0.01}), ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True})]:
        lower = kind.lower()
        cases += optimizer_case(f"{lower}_two_groups", kind, options, groups=two_groups)
        cases += optimizer_case(f"{lower}_null_grads", kind, options, null_grad_steps=(0, 3, 4))
    cases += optimizer_case("sgd_with_steplr", "SGD", {"lr": 0.1, "momentum": 0.9}, scheduler={"kind": "StepLR", "args": {"step_size": 3, "gamma": 0.5}})
    cases += optimizer_case("adam_with_warmup_cosine", "Adam", {"lr": 0.05}, groups=two_groups, scheduler={
        "kind": "SequentialLR", "milestones": [3],
        "schedulers": [{"kind": "LinearLR", "args": {"start_factor": 0.2, "total_iters": 3}},
                       {"kind": "CosineAnnealingLR", "args": {"T_max": 5, "eta_min": 0.001}}]})
    return cases


def scheduler_cases():
    specs = [
        ("steplr", {"kind": "StepLR", "args": {"step_size": 3, "gamma": 0.5}}, 25),
        ("steplr_default_gamma", {"kind": "StepLR", "args": {"step_size": 4}}, 20),
        ("multisteplr", {"kind": "MultiStepLR", "args": {"milestones": [9, 2, 5, 5], "gamma": 0.3}}, 15),
        ("exponentiallr", {"kind": "ExponentialLR", "args": {"gamma": 0.9}}, 30),
        ("cosine", {"kind": "CosineAnnealingLR", "args": {"T_max": 10, "eta_min": 0.001}}, 45),
        ("cosine_zero_min", {"kind": "CosineAnnealingLR", "args": {"T_max": 7}}, 30),
        ("linear_warmup", {"kind": "LinearLR", "args": {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 4}}, 10),
        ("linear_default", {"kind": "LinearLR", "args": {}}, 10),
        ("linear_decay", {"kind": "LinearLR", "args": {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 6}}, 10),
        ("sequential_warmup_cosine", {"kind": "SequentialLR", "milestones": [5], "schedulers": [
            {"kind": "LinearLR", "args": {"start_factor": 0.1, "total_iters": 5}},
            {"kind": "CosineAnnealingLR", "args": {"T_max": 20, "eta_min": 1e-4}}]}, 30),
        ("sequential_three", {"kind": "SequentialLR", "milestones": [3, 8], "schedulers": [
            {"kind": "LinearLR", "args": {"start_factor": 0.5, "total_iters": 3}},
            {"kind": "StepLR", "args": {"step_size": 2, "gamma": 0.5}},
            {"kind": "ExponentialLR", "args": {"gamma": 0.8}}]}, 15),
    ]
    cases = []
    for name, spec, steps in specs:
        p0 = torch.zeros(1, requires_grad=True)
        p1 = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([{"params": [p0]}, {"params": [p1], "lr": 0.01}], lr=0.1)
        sched = make_scheduler(spec, opt)
        lrs = [list(sched.get_last_lr())]
        for _ in range(steps):
            opt.step()
            sched.step()
            lrs.append(list(sched.get_last_lr()))
        cases.append({"name": name, "scheduler": spec, "groupLrs": [0.1, 0.01], "lrs": lrs})
    return cases


def clipping_cases():
    gen = torch.Generator().manual_seed(1234)
    raw = [torch.randn(s, generator=gen, dtype=torch.float64) * 2 for s in ([3, 4], [5], [2, 2])]
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for name, max_norm, norm_type in [("l2", 1.0, 2.0), ("l1", 0.5, 1.0), ("linf", 0.75, math.inf), ("p3", 2.0, 3.0), ("no_clip", 100.0, 2.0)]:
            params = [torch.zeros(g.shape, dtype=dtype, requires_grad=True) for g in raw]
            for p, g in zip(params, raw):
                p.grad = g.to(dtype).clone()
            before = [p.grad.reshape(-1).tolist() for p in params]
            total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
            cases.append({"name": f"norm_{name}_{dtype_name}", "kind": "norm", "dtype": dtype_name, "maxNorm": max_norm,
                          "normType": "inf" if math.isinf(norm_type) else norm_type, "shapes": [list(g.shape) for g in raw],
                          "grads": before, "total": total.item(), "clipped": [p.grad.reshape(-1).tolist() for p in params]})
        params = [torch.zeros(g.shape, dtype=dtype, requires_grad=True) for g in raw]
        for p, g in zip(params, raw):
            p.grad = g.to(dtype).clone()
        before = [p.grad.reshape(-1).tolist() for p in params]
        torch.nn.utils.clip_grad_value_(params, 0.8)
        cases.append({"name": f"value_{dtype_name}", "kind": "value", "dtype": dtype_name, "clipValue": 0.8,
                      "shapes": [list(g.shape) for g in raw], "grads": before, "clipped": [p.grad.reshape(-1).tolist() for p in params]})
    return cases


def write(name, cases):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "generator": "tools/golden/generate_optim_golden.py", "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write("optimizers.json", optimizer_cases())
    write("schedulers.json", scheduler_cases())
    write("clipping.json", clipping_cases())
