"""Seconds per epoch against hidden-layer width, BackpropClassifier and MLPClassifier.

    python benchmarks/bench_width.py     # writes docs/img/width.png and a JSON record

Same data (20,000 x 784 float32, 10 classes), same network and SGD settings for
both, interleaved repeats, medians. Needs matplotlib for the plot.
"""

from pathlib import Path

import numpy as np
from bench_fit import compare_fit, environment, make_data, save_report

WIDTHS = [32, 64, 128, 256, 512, 1024]
PLOT = Path(__file__).parents[1] / "docs" / "img" / "width.png"


def main():
    X, y = make_data(20_000, 784, 10, np.float32)
    rows = []
    for width in WIDTHS:
        row = {"hidden": width, **compare_fit(X, y, "sgd", hidden=width, epochs=2, repeats=3)}
        rows.append(row)
        print(
            f"hidden {width:5}: ours {row['ours_s_per_epoch']:.3f} s/epoch, "
            f"MLPClassifier {row['mlp_s_per_epoch']:.3f}, ratio {row['ratio']:.2f}"
        )
    save_report({"environment": environment(), "width": rows}, "width")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(WIDTHS, [r["mlp_s_per_epoch"] for r in rows], "o-", label="MLPClassifier")
    ax.plot(WIDTHS, [r["ours_s_per_epoch"] for r in rows], "o-", label="BackpropClassifier")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(WIDTHS, [str(w) for w in WIDTHS])
    ax.set_xlabel("hidden units (one sigmoid layer)")
    ax.set_ylabel("seconds per epoch (median)")
    ax.set_title("20,000 x 784 float32, SGD + momentum, batch 256")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    PLOT.parent.mkdir(exist_ok=True)
    fig.tight_layout()
    fig.savefig(PLOT, dpi=100)
    print(f"plot written to {PLOT}")


if __name__ == "__main__":
    main()
