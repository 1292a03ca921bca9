"""Our portable llama.cpp build vs a ``-march=native`` build, side by side on this machine.

Both wheels come from scripts/install_llama.py (the native one with ``--native
--wheel-only``, compiled here on first run: minutes). Each is unpacked into .bench/ and run in
a child process with the same model, prompt and settings; runs alternate.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path

from backends.model_files import default_gguf

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
CHILD = """
import json, sys, time
from llama_cpp import Llama
llama = Llama(model_path=sys.argv[1], n_ctx=2048, verbose=False)
rates = []
for _ in range(2):
    started, tokens = time.perf_counter(), 0
    for part in llama.create_chat_completion(
            messages=[{"role": "user", "content": "Write a short story about a lighthouse."}],
            max_tokens=128, temperature=0.0, repeat_penalty=1.2, stream=True):
        tokens += bool(part["choices"][0]["delta"].get("content"))
    rates.append(tokens / (time.perf_counter() - started))
print(json.dumps(max(rates)))
"""


def wheel(native: bool) -> Path:
    """The cached wheel (built now if missing)."""
    args = [sys.executable, str(ROOT / "scripts" / "install_llama.py"), "--wheel-only"]
    out = subprocess.run(args + (["--native"] if native else []), check=True,
                         capture_output=True, text=True).stdout
    return Path(out.strip().splitlines()[-1])


def unpacked(path: Path, name: str) -> Path:
    target = ROOT / ".bench" / f"llama-{name}"
    if not (target / "llama_cpp").is_dir():
        zipfile.ZipFile(path).extractall(target)
    return target


def tokens_per_s(site: Path) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, str(default_gguf())], check=True,
                         capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(site)})
    return float(json.loads(out.stdout.strip().splitlines()[-1]))


def run() -> str:
    sites = {"portable": unpacked(wheel(False), "portable"),
             "native": unpacked(wheel(True), "native")}
    rates: dict[str, list[float]] = {name: [] for name in sites}
    for _ in range(RUNS):
        for name, site in sites.items():
            rates[name].append(tokens_per_s(site))
    native, portable = (statistics.median(rates[n]) for n in ("native", "portable"))
    return (
        "## Embedded build: explicit instruction sets vs `-march=native`\n\n"
        "scripts/install_llama.py compiles with `GGML_NATIVE=OFF` and one `GGML_<ISA>` flag per "
        "instruction set the kernel lists as enabled in /proc/cpuinfo (AMX never). Baseline: the "
        "same llama-cpp-python version built with `GGML_NATIVE=ON`. SmolLM2-135M Q4_1, 128 "
        f"tokens, temperature 0; median of {RUNS} alternating child processes (best of 2 "
        "generations each).\n\n"
        "| build | tokens/s | ratio |\n|---|---|---|\n"
        f"| `-march=native` (baseline) | {native:.1f} | 1.00× |\n"
        f"| portable (explicit flags) | {portable:.1f} | {portable / native:.2f}× |"
    )
