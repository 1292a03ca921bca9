"""One ``ingest`` in a child process, with whichever checkout of the project is on the path.

The ingestion benchmark runs the pipeline as it was (an older commit, extracted to a folder)
and as it is now side by side by starting this script with each tree first on
``PYTHONPATH``; it uses only what both trees have (``config.load_settings`` and
``knowledge.ingest.ingest``). Prints ``{"embedded": N}`` as JSON.

    PYTHONPATH=<tree> python benchmarks/ingest_child.py DATA_DIR FOLDER
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(data_dir: Path, folder: Path) -> int:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from config import load_settings
    from knowledge.ingest import ingest

    settings = load_settings(data_dir=data_dir, kb={"retrieval": "hybrid"})
    report = ingest(settings, [folder], progress=False)
    sys.stdout.write(json.dumps({"embedded": report.embedded}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
