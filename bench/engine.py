"""Benchmark: a whole trajectory through the pure engine, start to recorded evaluation.

Reported as a ratio against a baseline measured side by side in the same run: serializing the
trajectory to JSON once per command (what storing it costs anyway). Run: ``make bench``.
"""

from __future__ import annotations

import statistics
import time

from bench import harness
from wasstraat import commands as c
from wasstraat.samples import PE, SYSTEM, Run, to_step

REPEATS = 30


def full_trajectory() -> Run:
    run = Run()
    to_step(run, "evaluatie")
    run.do(SYSTEM, c.EvaluationDue())
    run.do(PE, c.RecordEvaluation(measurements={"Doorlooptijd": 4}))
    return run


def measure() -> dict[str, float]:
    full_trajectory()  # warm up
    engine_runs, baseline_runs = [], []
    commands = 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        run = full_trajectory()
        engine_runs.append(time.perf_counter() - started)
        commands = len(run.outcomes)
        states = [outcome.trajectory for outcome in run.outcomes]
        started = time.perf_counter()
        for state in states:
            state.model_dump_json()
        baseline_runs.append(time.perf_counter() - started)
    engine = statistics.median(engine_runs)
    baseline = statistics.median(baseline_runs)
    return {
        "commands": commands,
        "full_trajectory_ms": round(engine * 1000, 2),
        "per_command_us": round(engine / commands * 1e6, 1),
        "baseline_serialize_ms": round(baseline * 1000, 2),
        "ratio_engine_to_serialize": round(engine / baseline, 2),
    }


def rows(result: dict[str, float]) -> list[harness.Row]:
    return [
        (
            "engine: a whole trajectory",
            f"{result['full_trajectory_ms']} ms",
            "",
            f"{result['commands']} commands, {result['per_command_us']} µs each; "
            f"{result['ratio_engine_to_serialize']}× serializing each state once",
        )
    ]


def main() -> None:
    result = measure()
    print("engine benchmark (median of", REPEATS, "runs)")
    print(harness.table(rows(result)))
    harness.write_latest({"engine": result})


if __name__ == "__main__":
    main()
