"""Ctrl-C during training: finish cleanly at a batch boundary, then re-raise."""

import signal
import threading
from contextlib import contextmanager
from types import SimpleNamespace


@contextmanager
def sigint_as_flag():
    """Within the block, a first Ctrl-C sets ``flag.requested`` instead of raising.

    The training loops read the flag between batches, put the weights back to
    those of the last completed epoch, and raise KeyboardInterrupt themselves:
    an interrupt that lands in the middle of an update would leave the model
    half-updated. A second Ctrl-C raises at once. Signal handlers can only be
    set from the main thread, and a handler the program installed itself is
    left alone; in both cases the flag just stays down.
    """
    flag = SimpleNamespace(requested=False)
    in_main_thread = threading.current_thread() is threading.main_thread()
    if not in_main_thread or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield flag
        return

    def request_stop(signum, frame):
        if flag.requested:
            raise KeyboardInterrupt
        flag.requested = True

    previous = signal.signal(signal.SIGINT, request_stop)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def interrupted_message(n_epochs, kept_best):
    """The warning of a fit that Ctrl-C ended (``on_interrupt='stop'``)."""
    kept = "best" if kept_best else "last completed"
    return (
        f"Training interrupted after {n_epochs} epoch(s); the model holds the weights "
        f"of the {kept} one."
    )
