"""Seconds per epoch against the number of BLAS threads: how the NumPy path scales on many cores.

    python benchmarks/bench_threads.py --threads 1 2 4 8 16 --repeats 3

The same fit as bench_fit.py (sigmoid units, batch 256, two epochs a fit) for
BackpropClassifier, MLPClassifier and, where torch is installed, a hand-written
PyTorch loop, each run under ``threadpoolctl.threadpool_limits`` (and
``torch.set_num_threads``) at each thread count, interleaved so that all see
the same load. Medians of ``--repeats`` rounds; speed-up is against the
smallest thread count measured.
"""

import argparse
import os
import statistics

from bench_fit import (
    HAVE_TORCH,
    PROBLEMS,
    SameAsMLP,
    make_data,
    seconds_per_epoch,
    settings,
    torch_seconds_per_epoch,
)
from threadpoolctl import threadpool_limits


def contenders(X, y, params):
    from sklearn.neural_network import MLPClassifier

    runs = {
        "ours": lambda: seconds_per_epoch(SameAsMLP, X, y, params),
        "MLPClassifier": lambda: seconds_per_epoch(MLPClassifier, X, y, params),
    }
    if HAVE_TORCH:
        runs["PyTorch loop"] = lambda: torch_seconds_per_epoch(X, y, params)
    return runs


def time_at(threads, runs, repeats):
    """Median seconds per epoch of each contender with ``threads`` BLAS (and torch) threads."""
    if HAVE_TORCH:
        import torch

        torch.set_num_threads(threads)
    times = {name: [] for name in runs}
    with threadpool_limits(limits=threads):
        for _ in range(repeats):
            for name, run in runs.items():
                times[name].append(run())
    return {name: statistics.median(values) for name, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--problem", choices=list(PROBLEMS), default="mnist")
    parser.add_argument("--solver", choices=["sgd", "adam"], default="sgd")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    label, rows, features, classes = PROBLEMS[args.problem]
    X, y = make_data(rows, features, classes, args.dtype)
    runs = contenders(X, y, settings(args.solver, hidden=128, batch_size=256, epochs=2))
    print(f"{label}, {args.dtype}, {args.solver}; {os.cpu_count()} CPUs; s/epoch (speed-up)")
    first = None
    for threads in sorted(args.threads):
        medians = time_at(threads, runs, args.repeats)
        first = first or medians
        cells = [f"{name} {s:.3f} ({first[name] / s:.2f}x)" for name, s in medians.items()]
        print(f"{threads:>3} threads: " + ", ".join(cells), flush=True)


if __name__ == "__main__":
    main()
