"""The examples' figures: shown in a window, or saved where none can open.

``plt.show()`` under a non-interactive backend (Agg, as on a server or in CI
with no display) draws nothing and says nothing, so there the figures are
saved to PNG files in the current folder instead, and their paths printed.
In the documentation's gallery, sphinx-gallery collects the open figures
itself, so nothing is saved or closed there.
"""

import itertools
import sys
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

# Matplotlib's built-in backends that only write files.
NON_INTERACTIVE_BACKENDS = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}
_figure_numbers = itertools.count(1)


def show_or_save():
    """Show the open figures, or save them to files and print where."""
    if "sphinx_gallery" in sys.modules:
        return
    if matplotlib.get_backend().lower() not in NON_INTERACTIVE_BACKENDS:
        plt.show()
        return
    example = Path(sys.argv[0]).stem
    for number in plt.get_fignums():
        path = Path.cwd() / f"{example}_figure_{next(_figure_numbers)}.png"
        plt.figure(number).savefig(path)
        print(f"saved the figure to {path}")
    # Saved once is enough: a later call saves only the figures drawn after it.
    plt.close("all")
