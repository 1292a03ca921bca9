"""A process that takes one source's sync lease and keeps it until it is killed.

``python -m tests.fakes.source_lease_holder STORE_URL DATA_DIR SOURCE LEASE_S`` prints
``held`` (or ``busy``) and then renews the lease as a live sync does, forever.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from sources.lease import SourceLease
from stores import open_store

if __name__ == "__main__":
    lease = SourceLease(open_store(sys.argv[1], Path(sys.argv[2])), float(sys.argv[4]))
    with lease.hold(sys.argv[3]) as held:
        print("held" if held else "busy", flush=True)
        threading.Event().wait()  # a sync that never ends
