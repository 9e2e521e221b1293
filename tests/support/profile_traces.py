"""Chrome traces in the shape torch.profiler (Kineto) writes, built by hand: a CUDA-style trace
(CPU ops launching kernels through cudaLaunchKernel with correlation ids, memcpy, memset, GPU
streams) for the device columns this machine cannot record, and large synthetic traces for the
benchmark. Events are written one key per line with torch's indentation, as Kineto does."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


def _event(fields: dict) -> str:
    lines = [f'    "{key}": {json.dumps(value)}' for key, value in fields.items() if key != "args"]
    text = "  {\n" + ",\n".join(lines)
    if "args" in fields:
        args = ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in fields["args"].items())
        text += ',\n    "args": {\n      ' + args + "\n    }"
    return text + "\n  }"


def trace_json(events: list[dict], device_properties: list | None = None) -> bytes:
    head = {"schemaVersion": 1, "deviceProperties": device_properties or [], "displayTimeUnit": "ms"}
    body = ",\n".join(_event(e) for e in events)
    text = "{\n" + ",\n".join(f'  "{k}": {json.dumps(v)}' for k, v in head.items())
    return (text + ',\n  "traceEvents": [\n' + body + "\n  ]\n}\n").encode()


@dataclass
class CudaTrace:
    """A two-step CUDA-shaped trace and what it must aggregate to."""

    events: list[dict] = field(default_factory=list)
    expected_self_device: dict[str, float] = field(default_factory=dict)
    expected_total_device: dict[str, float] = field(default_factory=dict)
    kernel_ops: dict[str, str] = field(default_factory=dict)  # kernel name -> launching op


def cuda_trace() -> CudaTrace:
    """Per step: aten::linear > aten::addmm > cudaLaunchKernel -> gemm kernel (stream 7);
    aten::relu > aten::clamp_min > cudaLaunchKernel -> relu kernel; aten::copy_ >
    cudaMemcpyAsync -> Memcpy HtoD; aten::zero_ > cudaMemsetAsync -> Memset. pid 100 is the
    host process, pid 0 the GPU."""
    t = CudaTrace()
    ev = t.events
    ev.append({"ph": "M", "name": "process_name", "pid": 100, "tid": 0, "ts": 0, "args": {"name": "python"}})
    ev.append({"ph": "M", "name": "process_name", "pid": 0, "tid": 0, "ts": 0, "args": {"name": "GPU 0"}})
    ev.append({"ph": "M", "name": "thread_name", "pid": 0, "tid": 7, "ts": 0, "args": {"name": "stream 7"}})
    corr, ext = 1, 1
    for step in range(2):
        base = 1000.0 + step * 1000.0
        ev.append(
            {
                "ph": "X",
                "cat": "user_annotation",
                "name": f"ProfilerStep#{step + 4}",
                "pid": 100,
                "tid": 100,
                "ts": base,
                "dur": 900.0,
                "args": {"External id": ext},
            }
        )
        ext += 1
        plan = [
            ("aten::linear", "aten::addmm", "cudaLaunchKernel", "kernel", "ampere_sgemm_128x64_nn", 30.0),
            (
                "aten::relu",
                "aten::clamp_min",
                "cudaLaunchKernel",
                "kernel",
                "void at::native::relu_kernel",
                8.0,
            ),
            (
                "aten::to",
                "aten::copy_",
                "cudaMemcpyAsync",
                "gpu_memcpy",
                "Memcpy HtoD (Pageable -> Device)",
                12.0,
            ),
            ("aten::zeros", "aten::zero_", "cudaMemsetAsync", "gpu_memset", "Memset (Device)", 2.0),
        ]
        for i, (outer, inner, runtime, kcat, kname, kdur) in enumerate(plan):
            s = base + 10 + i * 200
            ev.append(
                {
                    "ph": "X",
                    "cat": "cpu_op",
                    "name": outer,
                    "pid": 100,
                    "tid": 100,
                    "ts": s,
                    "dur": 150.0,
                    "args": {"External id": ext, "Input Dims": [[32, 64]]},
                }
            )
            ev.append(
                {
                    "ph": "X",
                    "cat": "cpu_op",
                    "name": inner,
                    "pid": 100,
                    "tid": 100,
                    "ts": s + 10,
                    "dur": 100.0,
                    "args": {"External id": ext + 1},
                }
            )
            ev.append(
                {
                    "ph": "X",
                    "cat": "cuda_runtime",
                    "name": runtime,
                    "pid": 100,
                    "tid": 100,
                    "ts": s + 20,
                    "dur": 20.0,
                    "args": {"External id": ext + 1, "correlation": corr},
                }
            )
            ev.append(
                {
                    "ph": "f",
                    "id": corr,
                    "pid": 0,
                    "tid": 7,
                    "ts": s + 200,
                    "cat": "ac2g",
                    "name": "ac2g",
                    "bp": "e",
                }
            )
            ev.append(
                {
                    "ph": "X",
                    "cat": kcat,
                    "name": kname,
                    "pid": 0,
                    "tid": 7,
                    "ts": s + 200,
                    "dur": kdur,
                    "args": {"External id": ext + 1, "correlation": corr, "device": 0, "stream": 7},
                }
            )
            t.expected_self_device[inner] = t.expected_self_device.get(inner, 0.0) + kdur
            t.expected_total_device[inner] = t.expected_total_device.get(inner, 0.0) + kdur
            t.expected_total_device[outer] = t.expected_total_device.get(outer, 0.0) + kdur
            t.expected_self_device.setdefault(outer, 0.0)
            if kcat == "kernel":
                t.kernel_ops[kname] = inner
            corr, ext = corr + 1, ext + 2
        ev.append(
            {
                "ph": "i",
                "cat": "cpu_instant_event",
                "s": "t",
                "name": "[memory]",
                "pid": 100,
                "tid": 100,
                "ts": base + 50,
                "args": {
                    "Total Reserved": 2097152,
                    "Total Allocated": 1024 * (step + 1),
                    "Bytes": 1024,
                    "Device Id": 0,
                    "Device Type": 1,
                    "Addr": 1,
                },
            }
        )
    return t


def synthetic_trace(n_events: int, *, seed: int = 0) -> bytes:
    """About ``n_events`` CPU events in torch's layout: steps of nested ops on two threads."""
    import random

    rng = random.Random(seed)
    ops = [
        "aten::linear",
        "aten::addmm",
        "aten::relu",
        "aten::clamp_min",
        "aten::empty",
        "aten::t",
        "aten::transpose",
        "aten::as_strided",
        "aten::copy_",
        "aten::mul",
        "aten::add_",
        "autograd::engine::evaluate_function: AddmmBackward0",
        "aten::mm",
        "aten::sum",
    ]
    parts = [
        '{\n  "schemaVersion": 1,\n  "deviceProperties": [],\n  "displayTimeUnit": "ms",\n  "traceEvents": [\n'
    ]
    ts = 4761008593131.356
    count, step = 0, 0
    first = True
    while count < n_events:
        step_dur = 3000.0
        events = [
            {
                "ph": "X",
                "cat": "user_annotation",
                "name": f"ProfilerStep#{step}",
                "pid": 1,
                "tid": 1,
                "ts": round(ts, 3),
                "dur": step_dur,
                "args": {"External id": count},
            }
        ]
        t = ts + 1.0
        while t < ts + step_dur - 30 and count + len(events) < n_events:
            outer = rng.choice(ops)
            events.append(
                {
                    "ph": "X",
                    "cat": "cpu_op",
                    "name": outer,
                    "pid": 1,
                    "tid": 1 + (len(events) % 2),
                    "ts": round(t, 3),
                    "dur": 20.0,
                    "args": {"External id": count + len(events), "Input Dims": [[32, rng.choice([64, 128])]]},
                }
            )
            events.append(
                {
                    "ph": "X",
                    "cat": "cpu_op",
                    "name": rng.choice(ops),
                    "pid": 1,
                    "tid": events[-1]["tid"],
                    "ts": round(t + 2.5, 3),
                    "dur": 10.125,
                    "args": {"External id": count + len(events)},
                }
            )
            t += 25.0
        for e in events:
            parts.append(("" if first else ",\n") + _event(e))
            first = False
        count += len(events)
        ts += step_dur + 10
        step += 1
    parts.append("\n  ]\n}\n")
    return "".join(parts).encode()


@dataclass
class TorchSession:
    """A real torch.profiler session written with tensorboard_trace_handler, and what torch's
    own ``key_averages()`` says of it (name -> calls, self and total CPU µs)."""

    logdir: str
    run: str
    key_averages: dict[str, tuple[int, float, float]]
    step_spans: list[float]  # ProfilerStep#N durations (µs) from torch's own events, in time order


def profile_training(
    logdir: str, run: str = "train", *, active: int = 3, use_gzip: bool = False
) -> TorchSession:
    """A small CPU training loop under torch.profiler (shapes and memory recorded)."""
    import os

    import torch
    from torch import nn
    from torch.profiler import ProfilerActivity, profile, schedule, tensorboard_trace_handler

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(32, 64), torch.randint(0, 10, (32,))
    averages = {}
    spans = []

    def on_ready(prof):
        tensorboard_trace_handler(os.path.join(logdir, run), use_gzip=use_gzip)(prof)
        for evt in prof.key_averages():
            averages[evt.key] = (evt.count, evt.self_cpu_time_total, evt.cpu_time_total)
        steps = sorted(
            (e.time_range.start, e.time_range.elapsed_us())
            for e in prof.events()
            if e.name.startswith("ProfilerStep")
        )
        spans.extend(elapsed for _start, elapsed in steps)

    with profile(
        activities=[ProfilerActivity.CPU],
        schedule=schedule(wait=1, warmup=1, active=active, repeat=1),
        on_trace_ready=on_ready,
        record_shapes=True,
        profile_memory=True,
    ) as prof:
        for _ in range(2 + active):
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            prof.step()
    return TorchSession(logdir, run, averages, spans)
