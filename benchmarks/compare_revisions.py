"""Did a change make NumPy training slower? Time two checkouts of the package side by side.

    git worktree add /tmp/baseline <commit>
    python benchmarks/compare_revisions.py /tmp/baseline [--solver adam] [--rounds 7]
        [--problem wide] [--dtype float64] [--activation relu]

Each round fits the same network once with the baseline's package and once
with this checkout's, each in a fresh process, alternating which goes first;
the figures are medians of seconds per epoch, and the ratio is this checkout /
baseline (above 1 means slower).
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from bench_fit import PROBLEMS, make_data

from sklearn_backprop._activations import ACTIVATIONS

HERE = Path(__file__).resolve().parents[1]

# Runs in a child process with the package under test first on sys.path.
CHILD = """
import sys, time, warnings
sys.path.insert(0, sys.argv[1])
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn_backprop import BackpropClassifier
data = np.load(sys.argv[2])
solver, epochs, activation = sys.argv[3], int(sys.argv[4]), sys.argv[5]
clf = BackpropClassifier(
    hidden_layer_sizes=(128,), activation=activation, solver=solver, batch_size=256,
    learning_rate_init=0.01, max_iter=epochs, tol=0.0, n_iter_no_change=10**9, random_state=0,
    momentum=0.9,
)
if "mlp_parity" in clf.get_params():  # the same epoch at every revision: no scaling, no hold-out
    clf.set_params(mlp_parity=True)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    started = time.perf_counter()
    clf.fit(data["X"], data["y"])
print((time.perf_counter() - started) / epochs, clf.loss_curve_[-1])
"""


def time_fit(source, data_path, solver, epochs, activation):
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(source), str(data_path), solver, str(epochs), activation],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return float(output[0]), float(output[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path, help="a checkout of the baseline revision")
    parser.add_argument("--solver", default="sgd", choices=["sgd", "adam"])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument(
        "--problem", default="mnist", choices=list(PROBLEMS), help="bench_fit.py's problems"
    )
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--activation", default="logistic", choices=sorted(ACTIVATIONS))
    args = parser.parse_args()

    _, n_samples, n_features, n_classes = PROBLEMS[args.problem]
    X, y = make_data(n_samples, n_features, n_classes, args.dtype)
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / "data.npz"
        np.savez(data_path, X=X, y=y)
        times = {"baseline": [], "this checkout": []}
        losses = {}
        sources = {"baseline": args.baseline.resolve(), "this checkout": HERE}
        for round_ in range(args.rounds):
            order = list(sources) if round_ % 2 == 0 else list(reversed(sources))
            for name in order:
                seconds, loss = time_fit(
                    sources[name], data_path, args.solver, args.epochs, args.activation
                )
                times[name].append(seconds)
                losses[name] = loss
    medians = {name: float(np.median(values)) for name, values in times.items()}
    result = {
        "problem": args.problem,
        "dtype": args.dtype,
        "solver": args.solver,
        "activation": args.activation,
        "seconds_per_epoch_median": medians,
        "ratio_this_over_baseline": medians["this checkout"] / medians["baseline"],
        "final_loss": losses,
        "rounds": args.rounds,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
