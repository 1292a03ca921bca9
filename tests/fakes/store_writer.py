"""A process that writes turns as fast as it can, for crash tests to SIGKILL.

``python -m tests.fakes.store_writer STORE_URL DATA_DIR`` runs four threads on one store
(as a Bot's worker threads do); after each write commits it prints ``<turn id>`` so the
test knows which rows the store promised to keep.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from contracts.store import AssistantTurn, Store
from stores import open_store

_print_lock = threading.Lock()


def _committed(turn_id: int) -> None:
    with _print_lock:
        sys.stdout.write(f"{turn_id}\n")
        sys.stdout.flush()


def write_forever(store: Store, worker: int) -> None:
    key = f"gradio:writer-{worker}"
    n = 0
    while True:
        n += 1
        _committed(store.add_user_turn(key, f"question {n} " + "x" * 200, user="crash"))
        answer = AssistantTurn(text=f"answer {n} " + "y" * 400, input_tokens=n, output_tokens=n)
        _committed(store.add_assistant_turn(key, answer))


def main(url: str, data_dir: str) -> None:
    store = open_store(url, Path(data_dir))
    threads = [threading.Thread(target=write_forever, args=(store, i), daemon=True)
               for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
