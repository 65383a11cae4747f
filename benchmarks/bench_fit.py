"""Side-by-side timing of BackpropClassifier and MLPClassifier on the same work.

    python benchmarks/bench_fit.py            # the full set (several minutes)
    python benchmarks/bench_fit.py --quick    # smaller data, fewer repeats

Every figure is a median over interleaved repeats (ours, theirs, ours, ...), so
both libraries see the same background load; ratios are ours / MLPClassifier,
below 1 means we are faster. A fit's ratio is the median of each round's ratio
(ours against the MLPClassifier fit right after it, which saw the same load), with
the range of the middle half of the rounds: on a shared machine the load changes
from minute to minute, and that range shows by how much. The BLAS library and
thread count are recorded with the results, which are also written as JSON to
benchmarks/results/.
"""

import argparse
import json
import platform
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.utils import check_array
from threadpoolctl import threadpool_info

from sklearn_backprop import BackpropClassifier

RESULTS = Path(__file__).parent / "results"

# Ours doing MLPClassifier's work: at the defaults it would also standardize X and,
# from 2,000 rows, hold 10% out for early stopping (fewer rows an epoch, plus a
# validation pass), which no longer times the same epoch.
SameAsMLP = partial(BackpropClassifier, mlp_parity=True)

try:  # a hand-written PyTorch loop joins the comparison where torch is installed
    import torch  # noqa: F401

    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False


# The two problems: --problem name -> (label, rows, features, classes).
PROBLEMS = {
    "mnist": ("mnist-like 60000x784, 10 classes", 60_000, 784, 10),
    "wide": ("100000x100, 2 classes", 100_000, 100, 2),
}


def make_data(n_samples, n_features, n_classes, dtype, seed=0):
    """Gaussian class blobs: an MNIST-sized problem without a download."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(n_classes, n_features))
    y = rng.integers(0, n_classes, n_samples)
    X = centers[y] + 2.0 * rng.normal(size=(n_samples, n_features))
    return X.astype(dtype), y


def settings(solver, hidden, batch_size, epochs, activation="logistic"):
    common = dict(
        hidden_layer_sizes=(hidden,), activation=activation, solver=solver,
        batch_size=batch_size, learning_rate_init=0.01, max_iter=epochs, tol=0.0,
        n_iter_no_change=10**9, shuffle=True, random_state=0, alpha=1e-4,
    )  # fmt: skip
    if solver == "sgd":
        common.update(momentum=0.9, nesterovs_momentum=True)
    return common


def seconds_per_epoch(model_class, X, y, params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        model_class(**params).fit(X, y)
    return (time.perf_counter() - started) / params["max_iter"]


def torch_seconds_per_epoch(X, y, params, device="cpu"):
    """A hand-written PyTorch training loop: the same network (sigmoid units) and solver."""
    import torch

    torch.manual_seed(0)
    dtype = torch.float32 if X.dtype == np.float32 else torch.float64
    X_t = torch.as_tensor(X, device=device)
    hidden, n_classes = params["hidden_layer_sizes"][0], int(y.max()) + 1
    # Two classes: one output unit and the binary cross-entropy, as in
    # MLPClassifier and ours; more: one unit a class and the softmax's.
    binary = n_classes == 2
    if binary:
        y_t = torch.as_tensor(y.reshape(-1, 1), dtype=dtype, device=device)
        criterion = torch.nn.functional.binary_cross_entropy_with_logits
    else:
        y_t = torch.as_tensor(y.astype(np.int64), device=device)
        criterion = torch.nn.functional.cross_entropy
    model = torch.nn.Sequential(
        torch.nn.Linear(X.shape[1], hidden), torch.nn.Sigmoid(),
        torch.nn.Linear(hidden, 1 if binary else n_classes),
    ).to(dtype=dtype, device=device)  # fmt: skip
    batch_size = params["batch_size"]
    # MLPClassifier's L2 term, alpha / 2 * ||W||^2 / batch size, as weight decay
    # (which here decays the biases too: the same work per step, not the same sum).
    decay = params["alpha"] / batch_size
    if params["solver"] == "sgd":
        optimizer = torch.optim.SGD(
            model.parameters(),
            lr=params["learning_rate_init"],
            momentum=0.9,
            nesterov=True,
            weight_decay=decay,
        )
    else:
        optimizer = torch.optim.Adam(
            model.parameters(), lr=params["learning_rate_init"], weight_decay=decay
        )
    started = time.perf_counter()
    for _ in range(params["max_iter"]):
        order = torch.randperm(X_t.shape[0], device=device)
        for start in range(0, X_t.shape[0], batch_size):
            rows = order[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = criterion(model(X_t[rows]), y_t[rows])
            loss.backward()
            optimizer.step()
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()
    return (time.perf_counter() - started) / params["max_iter"]


def compare_fit(
    X, y, solver, hidden=128, batch_size=256, epochs=2, repeats=5, activation="logistic"
):
    params = settings(solver, hidden, batch_size, epochs, activation)
    contenders = {
        "ours": lambda: seconds_per_epoch(SameAsMLP, X, y, params),
        "mlp": lambda: seconds_per_epoch(MLPClassifier, X, y, params),
    }
    # The PyTorch loop above is written for sigmoid hidden units.
    if HAVE_TORCH and activation == "logistic":
        contenders["torch"] = lambda: torch_seconds_per_epoch(X, y, params)
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, measure in contenders.items():
            times[name].append(measure())
    medians = {name: float(np.median(values)) for name, values in times.items()}
    row = {
        "ours_s_per_epoch": medians["ours"],
        "mlp_s_per_epoch": medians["mlp"],
        **paired_ratio(times["ours"], times["mlp"]),
        "repeats": repeats,
    }
    if "torch" in medians:
        row.update(
            torch_s_per_epoch=medians["torch"],
            ratio_to_torch=paired_ratio(times["ours"], times["torch"])["ratio"],
        )
    return row


def paired_ratio(ours, theirs):
    """Median and interquartile range of the per-round ratios ``ours[i] / theirs[i]``."""
    ratios = np.asarray(ours) / np.asarray(theirs)
    low, median, high = np.percentile(ratios, [25, 50, 75])
    return {"ratio": float(median), "ratio_middle_half": [float(low), float(high)]}


def side_by_side(times):
    """Median seconds of ``times["ours"]`` and ``times["mlp"]``, and their ``paired_ratio``."""
    return {
        "ours_s": float(np.median(times["ours"])),
        "mlp_s": float(np.median(times["mlp"])),
        **paired_ratio(times["ours"], times["mlp"]),
    }


def compare_predict(X, y, hidden=128, repeats=7):
    params = settings("adam", hidden, 256, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        models = {
            "ours": SameAsMLP(**params).fit(X, y),
            "mlp": MLPClassifier(**params).fit(X, y),
        }
    coef = models["ours"].coefs_[0]
    hidden = np.empty((X.shape[0], coef.shape[1]), X.dtype)

    def floor():
        # What any prediction must do: the finiteness check on X that both
        # libraries make, the first layer's product, one exp per hidden unit.
        check_array(X, dtype=(np.float64, np.float32))
        np.exp(np.matmul(X, coef, out=hidden), out=hidden)

    contenders = {**{name: model.predict_proba for name, model in models.items()}, "floor": None}
    rates = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, predict in contenders.items():
            started = time.perf_counter()
            floor() if predict is None else predict(X)
            rates[name].append(X.shape[0] / (time.perf_counter() - started))
    ours, mlp, best = (np.median(rates[name]) for name in ("ours", "mlp", "floor"))
    return {
        "ours_rows_per_s": ours,
        "mlp_rows_per_s": mlp,
        "ratio": ours / mlp,
        "floor_rows_per_s": best,
        "best_possible_ratio": best / mlp,
    }


def gemm_floor(n_samples, n_features, hidden, n_classes, batch_size, dtype, repeats=3):
    """Seconds per epoch of the four matrix products of one epoch, and nothing else."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(batch_size, n_features)).astype(dtype)
    W1 = rng.normal(size=(n_features, hidden)).astype(dtype)
    W2 = rng.normal(size=(hidden, n_classes)).astype(dtype)
    A = rng.normal(size=(batch_size, hidden)).astype(dtype)
    D2 = rng.normal(size=(batch_size, n_classes)).astype(dtype)
    n_batches = -(-n_samples // batch_size)
    best = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(n_batches):
            X @ W1  # forward, hidden layer
            A @ W2  # forward, output layer
            A.T @ D2  # output weights' gradient
            D2 @ W2.T  # delta back to the hidden layer
            X.T @ A  # hidden weights' gradient
        best.append(time.perf_counter() - started)
    flops = 2 * n_batches * batch_size * (2 * n_features * hidden + 3 * hidden * n_classes)
    seconds = float(np.median(best))
    return {
        "gemm_s_per_epoch": seconds,
        "gflop_per_epoch": flops / 1e9,
        "gemm_gflops": flops / 1e9 / seconds,
    }


def numpy_floor(X, hidden, batch_size, gemm_seconds, repeats=3):
    """Seconds per epoch that any NumPy loop of this network must spend, and what they are.

    The matrix products (``gemm_floor``), gathering each shuffled batch into
    a buffer, and one ``exp`` per hidden activation (a sigmoid cannot do with
    less, and numpy's ``exp`` can cost more than the rest of it). What is left
    of an epoch above this is elementwise arithmetic and Python overhead per batch.
    """
    rng = np.random.default_rng(0)
    order = rng.permutation(X.shape[0])
    rows = np.empty((batch_size, X.shape[1]), X.dtype)
    activations = rng.normal(size=(batch_size, hidden)).astype(X.dtype)
    exponentials = np.empty_like(activations)
    gather, exp = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        for start in range(0, X.shape[0] - batch_size + 1, batch_size):
            np.take(X, order[start : start + batch_size], axis=0, out=rows, mode="clip")
        gather.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _ in range(X.shape[0] // batch_size):
            np.exp(activations, out=exponentials)
        exp.append(time.perf_counter() - started)
    gather_s, exp_s = float(np.median(gather)), float(np.median(exp))
    return {
        "gather_s_per_epoch": gather_s,
        "exp_s_per_epoch": exp_s,
        "floor_s_per_epoch": gemm_seconds + gather_s + exp_s,
    }


def environment():
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "torch": __import__("torch").__version__ if HAVE_TORCH else None,
        "blas": [
            {
                k: info.get(k)
                for k in ("internal_api", "version", "architecture", "num_threads", "filepath")
            }
            for info in threadpool_info()
        ],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, few repeats")
    parser.add_argument("--dtype", choices=["float32", "float64"], help="only this dtype")
    parser.add_argument("--solver", choices=["sgd", "adam"], help="only this solver")
    parser.add_argument("--problem", choices=list(PROBLEMS), help="only this problem")
    parser.add_argument("--repeats", type=int, help="interleaved rounds per fit (default 5)")
    args = parser.parse_args()
    scale, repeats = (10, 3) if args.quick else (1, 5)
    repeats = args.repeats or repeats
    report = {"environment": environment(), "fit": [], "predict_proba": [], "gemm": []}
    print(json.dumps(report["environment"], indent=1))
    for key, (name, n, d, k) in PROBLEMS.items():
        if args.problem and key != args.problem:
            continue
        n //= scale
        for dtype in (np.float32, np.float64):
            if args.dtype and np.dtype(dtype).name != args.dtype:
                continue
            X, y = make_data(n, d, k, dtype)
            for solver in ("sgd", "adam"):
                if args.solver and solver != args.solver:
                    continue
                row = {
                    "problem": name,
                    "dtype": np.dtype(dtype).name,
                    "solver": solver,
                    **compare_fit(X, y, solver, repeats=repeats),
                }
                if solver == "sgd":
                    floor = gemm_floor(n, d, 128, k, 256, dtype)
                    floor.update(numpy_floor(X, 128, 256, floor["gemm_s_per_epoch"]))
                    row.update(floor)
                    row["ours_fraction_of_gemm_rate"] = (
                        floor["gemm_s_per_epoch"] / row["ours_s_per_epoch"]
                    )
                    row["best_possible_ratio"] = floor["floor_s_per_epoch"] / row["mlp_s_per_epoch"]
                report["fit"].append(row)
                torch_part = ""
                if "torch_s_per_epoch" in row:
                    torch_part = (f", PyTorch loop {row['torch_s_per_epoch']:.3f} "
                                  f"(ours/PyTorch {row['ratio_to_torch']:.2f})")  # fmt: skip
                low, high = row["ratio_middle_half"]
                print(
                    f"fit  {name:34} {row['dtype']:8} {solver:5} ours "
                    f"{row['ours_s_per_epoch']:.3f} s/epoch, MLPClassifier "
                    f"{row['mlp_s_per_epoch']:.3f}, ratio {row['ratio']:.2f} "
                    f"(middle half of {repeats} rounds {low:.2f}-{high:.2f}){torch_part}"
                )
                if "floor_s_per_epoch" in row:
                    print(
                        f"     floor {row['floor_s_per_epoch']:.3f} s/epoch (matrix products "
                        f"{row['gemm_s_per_epoch']:.3f} at {row['gemm_gflops']:.0f} GFLOP/s, "
                        f"gather {row['gather_s_per_epoch']:.3f}, exp "
                        f"{row['exp_s_per_epoch']:.3f}): best possible ratio "
                        f"{row['best_possible_ratio']:.2f}; ours at "
                        f"{row['ours_fraction_of_gemm_rate']:.0%} of the GEMM rate"
                    )
            if dtype == np.float32:
                row = {"problem": name, **compare_predict(X, y, repeats=repeats + 2)}
                report["predict_proba"].append(row)
                print(
                    f"predict_proba {name:34} ours {row['ours_rows_per_s']:.0f} rows/s, "
                    f"MLPClassifier {row['mlp_rows_per_s']:.0f}, ratio {row['ratio']:.2f}; "
                    f"floor {row['floor_rows_per_s']:.0f}: best possible ratio "
                    f"{row['best_possible_ratio']:.2f}"
                )
    save_report(report, "fit")


def save_report(report, kind):
    """Write ``report`` to benchmarks/results/<kind>-<date>-<time>.json and say where."""
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=1))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
