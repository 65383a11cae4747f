# %%
"""
Out-of-core training: stream a CSV through partial_fit
======================================================

Writes a CSV of 120,000 rows to a temporary folder, then trains on it in chunks
of 10,000 rows (``pandas.read_csv(chunksize=...)``), so that no more than one
chunk is ever in memory: a first pass fits the scaler, the next passes train the
network. The same model trained in memory on the whole file scores within a
point of it; a figure shows the streamed model's test accuracy pass by pass.
"""

import shutil
import tempfile
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropClassifier

CHUNK_ROWS = 10_000
PASSES = 6
folder = Path(tempfile.mkdtemp())

# %%
# The data: a training file and a held-out test set.
X, y = make_classification(
    n_samples=130_000, n_features=20, n_informative=10, n_classes=3, random_state=0
)
X[:, :5] *= 100  # features on different scales, as real data has them
columns = [f"x{i}" for i in range(X.shape[1])]
train = pd.DataFrame(X[:120_000], columns=columns).assign(label=y[:120_000])
train.to_csv(folder / "train.csv", index=False)
X_test, y_test = pd.DataFrame(X[120_000:], columns=columns), y[120_000:]
size_mib = (folder / "train.csv").stat().st_size / 2**20
chunk_mib = train.iloc[:CHUNK_ROWS].memory_usage(deep=True).sum() / 2**20
print(f"training file: {size_mib:.0f} MiB on disk; one chunk in memory: {chunk_mib:.1f} MiB")


def chunks():
    for chunk in pd.read_csv(folder / "train.csv", chunksize=CHUNK_ROWS):
        yield chunk[columns], chunk["label"].to_numpy()


# %%
# Streaming: the scaler learns the feature scales in one pass, the network
# then sees every chunk once per pass.
started = time.perf_counter()
scaler = StandardScaler()
for X_chunk, _ in chunks():
    scaler.partial_fit(X_chunk)
network = BackpropClassifier(hidden_layer_sizes=(64,), learning_rate_init=0.003, random_state=0)
accuracy_per_pass = []
for _ in range(PASSES):
    for X_chunk, y_chunk in chunks():
        network.partial_fit(scaler.transform(X_chunk), y_chunk, classes=[0, 1, 2])
    accuracy_per_pass.append(network.score(scaler.transform(X_test), y_test))
streamed = accuracy_per_pass[-1]
print(f"streamed in chunks: test accuracy {streamed:.4f} ({time.perf_counter() - started:.1f} s)")

# %%
# In memory, for comparison: the same model and number of passes, on every row
# (``early_stopping=False``: at its default, ``'auto'``, a fit on 120,000 rows
# would hold 10% of them out, which ``partial_fit`` never does).
started = time.perf_counter()
everything = pd.read_csv(folder / "train.csv")
scaler = StandardScaler().fit(everything[columns])
in_memory_net = BackpropClassifier(
    hidden_layer_sizes=(64,),
    learning_rate_init=0.003,
    max_iter=PASSES,
    early_stopping=False,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    in_memory_net.fit(scaler.transform(everything[columns]), everything["label"].to_numpy())
in_memory = in_memory_net.score(scaler.transform(X_test), y_test)
print(f"in memory:          test accuracy {in_memory:.4f} ({time.perf_counter() - started:.1f} s)")
print(f"difference: {abs(streamed - in_memory) * 100:.2f} points")
# t_, as in MLPClassifier: the training samples seen, the same for both.
assert network.t_ == in_memory_net.t_ == PASSES * len(train), (network.t_, in_memory_net.t_)
assert abs(streamed - in_memory) <= 0.01, "streaming should match in-memory training"

shutil.rmtree(folder)  # the example's CSV file

# %%
# The accuracy climbs pass by pass, to the in-memory model's after the sixth.
fig, ax = plt.subplots(figsize=(6.4, 4))
passes = range(1, PASSES + 1)
ax.plot(passes, accuracy_per_pass, "o-", label=f"streamed, {CHUNK_ROWS:,} rows at a time")
ax.axhline(in_memory, color="black", linestyle="--", label=f"in memory, after {PASSES} epochs")
ax.set_xlabel("passes over the training file")
ax.set_ylabel("test accuracy")
ax.set_title("Out-of-core training with partial_fit")
ax.legend(loc="lower right")
fig.tight_layout()

# %%
# Show the figures in a window; where none can open (Matplotlib's Agg backend,
# on a server or in CI), ``plt.show()`` would draw nothing, so save them as PNG
# files in the current folder instead.
if plt.get_backend().lower() == "agg":
    for number in plt.get_fignums():
        path = Path(f"{Path(__file__).stem}_figure_{number}.png").resolve()
        plt.figure(number).savefig(path)
        print(f"saved the figure to {path}")
else:
    plt.show()
