"""Why an embedded-model worker died, and what the person running the bot can do about it."""

from __future__ import annotations

from backends.worker_process import WorkerDied

REBUILD = ("run `make rebuild-local` (it recompiles llama.cpp for the instructions this "
           "machine's OS enables)")


def explain(died: WorkerDied, profile: str) -> tuple[str, str]:
    """(cause, fix) for a worker that ended; one sentence each."""
    name = died.signal_name
    if name == "SIGILL":
        return ("this CPU cannot run the compiled llama.cpp (SIGILL: an instruction the OS "
                "has not enabled)", REBUILD)
    if name in ("SIGSEGV", "SIGBUS", "SIGABRT"):
        return (f"llama.cpp crashed ({name})",
                f"check that profiles.{profile}.model_path is a complete GGUF model that "
                f"llama-cpp-python supports; if it is, {REBUILD}")
    if name == "SIGKILL":
        return ("the worker was killed (SIGKILL), most often by the kernel's out-of-memory "
                "killer", f"free memory, or use a smaller model or a lower "
                f"profiles.{profile}.n_ctx")
    if name is not None:
        return f"the worker was stopped by {name}", "see the system log for who sent it"
    last = died.stderr_tail[-1] if died.stderr_tail else "no message"
    return (f"the worker exited with status {died.returncode} ({last})",
            "run `bot config check` for a one-token test of the embedded model")
