"""Engine speed against a minimal heapq event loop, idiomatic SimPy and Ciw, in one process.

The reference case is M/M/c with c = 10 and ρ = 0.85 (exponential on scene, no travel, no
dispatch delay). The call stream is drawn once; the engine, the heapq loop and the SimPy model
all run on the *same* arrival and on-scene draws, and the benchmark asserts that they give the
same waits, so the timings compare the same work. Ciw draws its own numbers from the same
rates (its mean wait is checked loosely against Erlang C). Speed is reported as calls per
second and as a ratio of run times to the heapq loop (best of several repeats), so the figures
travel between machines better than seconds do. Peak memory of recording 1,000,000 calls is
measured in a fresh subprocess. With ``--features`` it also times the engine with each
dispatch lever switched on in the same M/M/10 case (``FEATURES``), as ratios to the same
heapq loop: what a scenario pays for using one.

    .venv/bin/python -m benchmarks.engine [--calls N] [--ciw-calls N] [--repeats R] [--features]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass
from heapq import heappop, heappush
from typing import Any

import numpy as np
import simpy

from sim.analytic import mmc_mean_wait
from sim.model.calls import CallStream, draw_calls
from sim.model.engine import simulate
from sim.scenario import MINUTES_PER_DAY, Scenario, from_dict, with_overrides

SERVERS = 10
RHO = 0.85
# 30 minutes (60 until the number policy limited a run to ten years, sim/numbers.py): a
# million calls then take 2,451 simulated days instead of 4,902; the queue is the same
# M/M/10 at ρ = 0.85 in half the time scale, with the same number of events per call.
MEAN_ON_SCENE = 30.0  # minutes
RATE_PER_MIN = RHO * SERVERS / MEAN_ON_SCENE  # λ = ρ c μ
TARGET_RATIO = 3.0  # engine run time ≤ 3 × the heapq loop's
TARGET_PEAK_MB = 300.0  # for 1,000,000 recorded calls


def reference_scenario(calls: int, seed: int = 1) -> Scenario:
    """M/M/10 at ρ = 0.85: one team, one call type, flat rate; days chosen for ~``calls``."""
    days = calls / (RATE_PER_MIN * MINUTES_PER_DAY)
    return from_dict(
        {
            "scenario": {"name": "M/M/10 reference", "days": days, "replications": 1, "seed": seed},
            "teams": {"units": {"units": SERVERS}},
            "call_types": {
                "call": {
                    "calls_per_day": RATE_PER_MIN * MINUTES_PER_DAY,
                    "response": [{"team": "units"}],
                    "on_scene_min": {"units": {"dist": "exponential", "mean": MEAN_ON_SCENE}},
                }
            },
        },
        source="benchmarks/engine.py",
    )


# The dispatch levers, each switched on in the reference case with as little change to the
# queueing as possible, so the time measured is the rule's bookkeeping: the general dispatch
# path, extra draws, extra events. (Coverage travel over 1 km² at 300 km/h, seconds, is still
# computed per dispatch; 300 km/h is the fastest sim/numbers.py allows.)
_ALL = "call_types.call.response"
FEATURES: dict[str, dict[str, Any]] = {
    "(no lever) a wait limit: two options of the same team": {
        _ALL: [{"team": "units", "max_wait_min": 240}, {"team": "units"}]
    },
    "share: the same, the first option taking 90%": {
        _ALL: [{"team": "units", "share": 0.9, "max_wait_min": 240}, {"team": "units"}]
    },
    "transport (20% of calls, 0 minutes)": {
        "call_types.call.transport": {
            "units": {"probability": 0.2, "time_min": {"dist": "constant", "value": 0}}
        }
    },
    "coverage travel (1 km², 300 km/h)": {
        "teams.units.coverage": {"area_km2": 1, "speed_kmh": 300}
    },
    "pre-emption on (all calls one priority)": {"dispatch.preempt": [1, 2]},
    "co-responder joining when free (ample team)": {
        "teams.clinician": {"units": 1000},
        _ALL: [{"team": "units", "co_responder": {"team": "clinician", "joins": "when_free"}}],
        "call_types.call.on_scene_min.clinician": {"dist": "exponential", "mean": 30},
    },
    "demand growth and month factors (draw only)": {
        "scenario.start_date": "2024-01-01",
        "call_types.call.growth_per_year": 0.0001,
        "call_types.call.monthly": [1.0] * 12,
    },
}


def feature_scenario(scn: Scenario, changes: dict[str, Any]) -> Scenario:
    """The reference scenario with one lever on (new tables are added, then overridden)."""
    base = scn
    if "teams.clinician" in changes:
        data = base.model_dump(mode="json", exclude_none=True)
        data["teams"]["clinician"] = changes["teams.clinician"]
        data["call_types"]["call"]["on_scene_min"]["clinician"] = changes[
            "call_types.call.on_scene_min.clinician"
        ]
        data["call_types"]["call"]["response"] = changes[_ALL]
        return from_dict(data, source="benchmarks/engine.py")
    return with_overrides(base, changes, source="benchmarks/engine.py")


def time_features(scn: Scenario, args: argparse.Namespace, heapq_seconds: float) -> list[Timing]:
    """Best time of the engine with each lever on (its own draws; drawing is not timed)."""
    out = []
    for name, changes in FEATURES.items():
        variant = feature_scenario(scn, changes)
        calls = draw_calls(variant, 0)
        t, _ = best_of(lambda: simulate(variant, calls), args.repeats)  # noqa: B023
        out.append(Timing(f"engine, {name}", len(calls), t, args.repeats))
    return out


# --------------------------------------------------------------------------- the contenders


def heapq_loop(ready: list[float], service: list[float], c: int, horizon: float) -> np.ndarray:
    """A minimal M/M/c FCFS event loop: arrival and departure events on a heapq, a deque queue.

    It records dispatch and clear for each call in preallocated lists, the least any
    simulator must do, and returns the dispatch times (NaN: still waiting at the horizon).
    Events are (time, sequence number, call): call ≥ 0 arrives, ~call departs; the sequence
    number breaks ties first-in first-out, as SimPy does.
    """
    n = len(ready)
    dispatch = [math.nan] * n
    clear = [math.nan] * n
    events: list[tuple[float, int, int]] = [(ready[0], 0, 0)] if n else []
    waiting: deque[int] = deque()
    free = c
    eid = 1
    while events:
        now, _, i = heappop(events)
        if now >= horizon:
            break
        if i >= 0:  # an arrival: schedule the next one, then serve or queue this one
            if i + 1 < n:
                heappush(events, (ready[i + 1], eid, i + 1))
                eid += 1
            if free == 0:
                waiting.append(i)
                continue
            free -= 1
        elif waiting:  # a departure hands its unit to the head of the queue
            i = waiting.popleft()
        else:
            free += 1
            continue
        dispatch[i] = now
        clear[i] = done = now + service[i]
        heappush(events, (done, eid, ~i))
        eid += 1
    np.asarray(clear)  # the engine returns numpy columns too
    return np.asarray(dispatch)


def simpy_idiomatic(ready: list[float], service: list[float], c: int, horizon: float) -> np.ndarray:
    """Idiomatic SimPy: a source process, and a process with a Resource request per call."""
    n = len(ready)
    dispatch = [math.nan] * n
    clear = [math.nan] * n
    env = simpy.Environment()
    units = simpy.Resource(env, capacity=c)

    def call(i: int) -> Generator[simpy.Event, Any, None]:
        with units.request() as req:
            yield req
            dispatch[i] = env.now
            yield env.timeout(service[i])
            clear[i] = env.now

    def source() -> Generator[simpy.Event, Any, None]:
        for i in range(n):
            yield env.timeout(ready[i] - env.now)
            env.process(call(i))

    env.process(source())
    env.run(until=horizon)
    np.asarray(clear)
    return np.asarray(dispatch)


def ciw_run(calls: int, seed: int = 1) -> tuple[int, float]:
    """Ciw's M/M/10 at the same rates for about ``calls`` calls: (calls served, mean wait)."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE_PER_MIN)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / MEAN_ON_SCENE)],
        number_of_servers=[SERVERS],
    )
    ciw.seed(seed)
    q = ciw.Simulation(network)
    q.simulate_until_max_time(calls / RATE_PER_MIN)
    waits = [r.waiting_time for r in q.get_all_records()]
    return len(waits), float(np.mean(waits))


# ------------------------------------------------------------------------------- timing


@dataclass(frozen=True)
class Timing:
    """Best wall-clock seconds over the repeats for ``calls`` calls."""

    name: str
    calls: int
    seconds: float
    repeats: int

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Best time of ``repeats`` runs (the least disturbed by other load) and the last result."""
    best, result = math.inf, None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def mean_wait(ready: np.ndarray, dispatch: np.ndarray) -> float:
    return float(np.nanmean(dispatch - ready))


def check_same_work(name: str, ready: np.ndarray, ref: np.ndarray, other: np.ndarray) -> None:
    """Same draws and FCFS give the same dispatch times; fail loudly if they do not.

    Only floating-point rounding may differ (SimPy schedules at ``now + (t - now)``), so
    dispatch times must agree to 1e-6 minutes and the mean wait to a relative 1e-9.
    """
    same_set = np.array_equal(np.isnan(ref), np.isnan(other))
    gap = float(np.nanmax(np.abs(ref - other))) if same_set else math.inf
    w_ref, w_other = mean_wait(ready, ref), mean_wait(ready, other)
    if not (same_set and gap < 1e-6 and math.isclose(w_ref, w_other, rel_tol=1e-9)):
        raise AssertionError(
            f"{name} did different work from the heapq loop: mean wait {w_other} vs {w_ref}, "
            f"largest dispatch gap {gap}"
        )


def time_all(calls: CallStream, scn: Scenario, args: argparse.Namespace) -> list[Timing]:
    """Time engine, heapq loop, SimPy and Ciw, checking that the first three agree."""
    ready, service = calls.ready, calls.on_scene[:, 0]
    ready_l, service_l = ready.tolist(), service.tolist()
    horizon = scn.horizon_min()
    n = len(calls)
    # Interleave engine and heapq repeats so background load hits both alike.
    t_engine = t_heapq = math.inf
    for _ in range(args.repeats):
        t, records = best_of(lambda: simulate(scn, calls), 1)
        t_engine = min(t_engine, t)
        t, ref = best_of(lambda: heapq_loop(ready_l, service_l, SERVERS, horizon), 1)
        t_heapq = min(t_heapq, t)
    check_same_work("engine", ready, ref, records["dispatch"])
    timings = [
        Timing("heapq loop (reference)", n, t_heapq, args.repeats),
        Timing("sim engine (simulate + Records)", n, t_engine, args.repeats),
    ]
    if args.simpy_repeats:
        t, got = best_of(
            lambda: simpy_idiomatic(ready_l, service_l, SERVERS, horizon), args.simpy_repeats
        )
        check_same_work("idiomatic SimPy", ready, ref, got)
        timings.append(Timing("SimPy, process + Resource per call", n, t, args.simpy_repeats))
    if args.ciw_calls:
        t, (served, wait) = best_of(lambda: ciw_run(args.ciw_calls), 1)
        theory = mmc_mean_wait(RATE_PER_MIN, 1.0 / MEAN_ON_SCENE, SERVERS)
        # Ciw uses its own draws: only a sanity check, 25% covers 100k-call run noise at ρ=0.85.
        if not math.isclose(wait, theory, rel_tol=0.25):
            raise AssertionError(f"Ciw mean wait {wait:.3f} is far from Erlang C {theory:.3f}")
        timings.append(Timing("Ciw", served, t, 1))
    print(f"mean wait: {mean_wait(ready, ref):.4f} min (Erlang C: ", end="")
    print(f"{mmc_mean_wait(RATE_PER_MIN, 1.0 / MEAN_ON_SCENE, SERVERS):.4f})")
    return timings


def table(timings: list[Timing]) -> str:
    """Markdown table: calls/s and time per call relative to the heapq loop."""
    ref = timings[0]
    lines = [
        "| run | calls | best of | seconds | calls/s | × heapq loop |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        ratio = ref.per_second / t.per_second
        lines.append(
            f"| {t.name} | {t.calls:,} | {t.repeats} | {t.seconds:.2f} | "
            f"{t.per_second:,.0f} | {ratio:.2f} |"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------------------- memory


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process in MB, from /proc (Linux).

    ``ru_maxrss`` will not do: a child process inherits its parent's figure across fork
    and exec, so a child of a big benchmark process would report the parent's peak.
    """
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise OSError(f"no {field} in /proc/self/status")


def _reset_peak_rss() -> None:
    """Start VmHWM afresh from the current RSS (Linux: write 5 to /proc/self/clear_refs)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def memory_child(n: int) -> None:
    """In a fresh process: draw ~n calls, simulate them, print memory figures as JSON.

    Resident set (everything: interpreter, numpy, scipy, pandas, pydantic): after the
    imports, peak while drawing the call stream, and peak while simulating and building the
    records (peak reset after the draw). Then the same run again under tracemalloc, whose
    peaks count Python objects and numpy arrays alive, not the libraries: for the draw its
    temporaries, for the simulation the call stream (~52 MB) plus what the engine adds.
    """
    import tracemalloc

    scn = reference_scenario(n)
    out: dict[str, float] = {"imports_mb": _rss_mb("VmRSS")}
    calls = draw_calls(scn, 0)
    out["draw_peak_mb"] = _rss_mb("VmHWM")
    _reset_peak_rss()
    records = simulate(scn, calls)
    out["simulate_peak_mb"] = _rss_mb("VmHWM")
    out["process_peak_mb"] = max(out["draw_peak_mb"], out["simulate_peak_mb"])
    out["calls"] = len(records)
    del calls, records
    tracemalloc.start()
    calls = draw_calls(scn, 0)
    out["draw_traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.reset_peak()
    simulate(scn, calls)
    out["simulate_traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(out))


def measure_memory(n: int) -> dict[str, float]:
    """Run :func:`memory_child` in a subprocess and return what it printed."""
    cmd = [sys.executable, "-m", "benchmarks.engine", "--memory-child", "--calls", str(n)]
    # glibc keeps freed memory of the size of these arrays in its heap unless told to map
    # every large block on its own, and then RSS would never fall after the call stream's
    # temporaries are freed: the simulate-phase peak would just repeat the draw's.
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536"}
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def memory_table(m: dict[str, float]) -> str:
    """Markdown table of the memory figures."""
    rows = [
        ("after imports (interpreter, numpy, scipy, pandas, pydantic, simpy)", m["imports_mb"], ""),
        ("peak while drawing the call stream (`draw_calls`)", m["draw_peak_mb"], "draw"),
        ("peak while simulating and building Records (`simulate`)", m["simulate_peak_mb"], "sim"),
    ]
    traced = {"draw": m["draw_traced_mb"], "sim": m["simulate_traced_mb"]}
    lines = [
        "| stage | RSS of the whole process, MB | tracemalloc peak, MB |",
        "|---|---:|---:|",
    ]
    for name, rss, key in rows:
        lines.append(
            f"| {name} | {rss:.0f} | {traced[key]:.0f} |" if key else f"| {name} | {rss:.0f} | |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- main


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.engine", description=__doc__)
    p.add_argument("--calls", type=int, default=1_000_000, help="calls in the reference run")
    p.add_argument("--repeats", type=int, default=3, help="repeats for engine and heapq loop")
    p.add_argument("--simpy-repeats", type=int, default=2, help="repeats for SimPy (0: skip)")
    p.add_argument("--ciw-calls", type=int, default=100_000, help="calls for Ciw (0: skip)")
    p.add_argument("--memory-calls", type=int, default=1_000_000, help="0: skip memory")
    p.add_argument("--features", action="store_true", help="time each dispatch lever too")
    p.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.memory_child:
        memory_child(args.calls)
        return
    scn = reference_scenario(args.calls)
    calls = draw_calls(scn, 0)
    print(
        f"M/M/{SERVERS}, ρ = {RHO}, {len(calls):,} calls; Python {platform.python_version()}, "
        f"SimPy {simpy.__version__}, {platform.machine()}, {time.strftime('%Y-%m-%d')}\n"
    )
    timings = time_all(calls, scn, args)
    print()
    print(table(timings))
    ratio = timings[1].seconds / timings[0].seconds
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"\nengine / heapq loop: {ratio:.2f}× (target ≤ {TARGET_RATIO:.0f}×: {verdict})")
    if args.features:
        print("\nwith each dispatch lever on (ratios to the same heapq loop):\n")
        print(table([timings[0], timings[1], *time_features(scn, args, timings[0].seconds)]))
    if args.memory_calls:
        mem = measure_memory(args.memory_calls)
        print(f"\nmemory, {mem['calls']:,.0f} calls, in a fresh process:\n")
        print(memory_table(mem))
        sim_peak = mem["simulate_peak_mb"]
        verdict = "met" if sim_peak <= TARGET_PEAK_MB else "NOT met"
        print(
            f"\nsimulating and recording: peak RSS {sim_peak:.0f} MB for the whole process "
            f"(target ≤ {TARGET_PEAK_MB:.0f} MB: {verdict});"
            f" whole run including the draw: {mem['process_peak_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
