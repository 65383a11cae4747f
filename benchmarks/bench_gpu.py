"""Seconds per epoch on a GPU (Array API dispatch on torch) against the CPU and a PyTorch loop.

    python benchmarks/bench_gpu.py                       # 1,000,000 x 784, hidden 1024, cuda
    python benchmarks/bench_gpu.py --device cpu --rows 20000 --hidden 256   # a dry run

Three fits of the same network (one hidden layer of sigmoid units, softmax
output, Adam or SGD, batch 256, float32): BackpropClassifier on torch arrays
on ``--device`` (``sklearn.set_config(array_api_dispatch=True)``), the same
fit on NumPy arrays on this machine's CPU (``--cpu-epochs`` epochs: it is slow
at this size), and a hand-written PyTorch training loop on ``--device``. Each
figure is the median over ``--repeats`` fits; the results go to
benchmarks/results/gpu.json with the devices and library versions.
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")  # before scipy is imported

import argparse
import json
import platform
import time
import warnings

import numpy as np
import sklearn
import torch
from bench_fit import RESULTS, SameAsMLP, make_data, settings, torch_seconds_per_epoch
from sklearn.exceptions import ConvergenceWarning


def ours_seconds_per_epoch(X, y, params, device):
    """BackpropClassifier's fit on ``X`` moved to ``device`` (NumPy for None).

    Returns the fit's seconds per epoch (its fixed costs, such as the input
    checks on the host, spread over the epochs), the last training loss, and
    the median epoch alone (``history_``'s seconds, the training loop only).
    """
    if device is not None:
        X = torch.asarray(X, device=device)
    with warnings.catch_warnings(), sklearn.config_context(array_api_dispatch=True):
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        clf = SameAsMLP(**params).fit(X, y)
        if device is not None and str(device).startswith("cuda"):
            torch.cuda.synchronize()
    seconds = (time.perf_counter() - started) / params["max_iter"]
    return seconds, clf.loss_curve_[-1], float(np.median(clf.history_["seconds"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--solver", default="adam", choices=["adam", "sgd"])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--cpu-epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    X, y = make_data(args.rows, 784, 10, np.float32)
    params = settings(args.solver, args.hidden, 256, args.epochs)
    cpu_params = {**params, "max_iter": args.cpu_epochs}
    runs = {
        f"ours, torch on {args.device}": lambda: ours_seconds_per_epoch(X, y, params, args.device),
        "ours, NumPy on the CPU": lambda: ours_seconds_per_epoch(X, y, cpu_params, None),
        f"PyTorch loop on {args.device}": lambda: (
            (seconds := torch_seconds_per_epoch(X, y, params, args.device)),
            float("nan"),
            seconds,  # its timer holds the training loop alone
        ),
    }
    times = {name: [] for name in runs}
    epoch_alone = {name: [] for name in runs}
    last_loss = {}
    for _ in range(args.repeats):
        for name, run in runs.items():
            seconds, loss, loop_seconds = run()
            print(
                f"{name:>32}: {seconds:8.3f} s/epoch, {loop_seconds:8.3f} the epoch alone",
                flush=True,
            )
            times[name].append(seconds)
            epoch_alone[name].append(loop_seconds)
            last_loss[name] = loss
    medians = {name: float(np.median(values)) for name, values in times.items()}
    alone = {name: float(np.median(values)) for name, values in epoch_alone.items()}
    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else None
    record = {
        "problem": f"{args.rows} x 784 float32, hidden {args.hidden}, {args.solver}, batch 256",
        "seconds_per_epoch_median": medians,
        "epoch_alone_seconds_median": alone,
        "final_training_loss": last_loss,
        "repeats": args.repeats,
        "device": args.device,
        "gpu": gpu,
        "cpu": platform.processor() or platform.machine(),
        "torch": torch.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
    }
    for name, seconds in medians.items():
        print(f"{name:>32}: {seconds:8.3f} s/epoch, {alone[name]:8.3f} the epoch alone")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "gpu.json").write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
