"""Thread priorities: work off the GUI thread (training, evaluations, the paper's stages) yields
the CPU to the GUI thread when the cores are busy, as far as the system allows."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading

WORKER_NICENESS = 4
"""The training process (and the evaluations) run at a lower priority than the window, where the
OS allows it, so that the window wins the CPU whenever both want it. Measured with two CPU-bound
processes beside the app (``hebbviz bench --gui --background-load 2``, itoh): at nice 2 the
heatmap got 31-33 redraws/s but the stroke-to-bars latency's 95th percentile was 31-37 ms; at 4,
25-32 ms with 29-33 redraws/s; higher starves the heatmaps (as it did the training thread before
it had a process of its own: 9-15 redraws/s at nice 10)."""

WINDOWS_BELOW_NORMAL, WINDOWS_LOWEST = -1, -2
"""Windows thread priorities (``SetThreadPriority``) for a nice value below 10, and from 10."""

MACOS_UTILITY = 0x11
"""macOS's "utility" quality-of-service class (``QOS_CLASS_UTILITY``): long work a person waits
for, below the interface's threads."""


def lower_priority(niceness: int) -> None:
    """Make the calling thread yield the CPU to the app's others (the GUI thread above all) when
    the cores are busy, as far as the system allows (never an error):

    - Linux: the nice value ``niceness`` for this thread alone (nice values are per thread), or
      the thread's own if that is lower already;
    - Windows: the thread priority "below normal" (from ``niceness`` 10 on: "lowest");
    - macOS: the "utility" quality-of-service class (a thread's id is no process id there, so
      ``setpriority`` would name another process).
    """
    with contextlib.suppress(OSError, AttributeError):
        if sys.platform.startswith("linux"):
            thread = threading.get_native_id()
            current = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, max(niceness, current))
        elif sys.platform == "win32":
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            priority = WINDOWS_LOWEST if niceness >= 10 else WINDOWS_BELOW_NORMAL
            kernel32.SetThreadPriority(kernel32.GetCurrentThread(), priority)
        elif sys.platform == "darwin":
            system = ctypes.CDLL("/usr/lib/libSystem.dylib")
            system.pthread_set_qos_class_self_np(MACOS_UTILITY, 0)
