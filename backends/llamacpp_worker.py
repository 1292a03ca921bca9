"""The embedded model's worker process: ``python -m backends.llamacpp_worker``.

llama.cpp is native code: an instruction the CPU may not run (SIGILL), a bad model file
(SIGSEGV) or the OOM killer ends the process it runs in. So it runs here, in a child of the
bot, and the bot only reads what this process writes (:mod:`backends.worker_process`).

Protocol, one JSON object per line. The first line on stdin is the load config; the worker
answers ``{"ready": {...}}`` or ``{"error": {...}}``. Then, per request:

- in: ``{"op": "generate", "id": N, "request": {...}}`` -> out: ``{"id": N, "text": "..."}``
  per token, ``{"id": N, "part": {...}}`` for anything else (llama-cpp-python's chunks),
  ``{"id": N, "whole_reply": true}`` first when the reply comes in one piece (tool calls),
  then
  ``{"id": N, "end": {"input_tokens": n}}`` or ``{"id": N, "error": {...}}``;
- in: ``{"op": "cancel", "id": N}``: generation stops at the next token and ends as usual.

The protocol travels on the process's original stdout; fd 1 is pointed at stderr first, so
anything native code prints cannot corrupt it. Closing stdin ends the worker.
"""

from __future__ import annotations

import json
import os
import queue
import re
import sys
import threading
from collections.abc import Iterator
from typing import IO, Any

_HALF_TOOL_CALL = re.compile(r"\s*functions\.([\w-]+):?\s*")
TOOL_CHAT_FORMAT = "chatml-function-calling"


class Channel:
    """Writes protocol lines; one lock because the reader thread never writes."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, separators=(",", ":"))
        with self.lock:
            self.stream.write(line + "\n")
            self.stream.flush()


def load(config: dict[str, Any]) -> Any:
    from llama_cpp import Llama

    return Llama(model_path=config["model_path"], n_ctx=config["n_ctx"],
                 n_threads=config.get("n_threads"), chat_format=config.get("chat_format"),
                 verbose=False)


def completion(llama: Any, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """llama-cpp-python's chunks for one request: streamed text, or one whole tool reply."""
    kwargs = {k: request[k] for k in ("messages", "temperature", "max_tokens", "repeat_penalty")}
    if request.get("response_format") and not request.get("tools"):
        kwargs["response_format"] = request["response_format"]  # compiled into a grammar
    if not request.get("tools"):
        return llama.create_chat_completion(stream=True, **kwargs)  # type: ignore[no-any-return]
    from llama_cpp.llama_chat_format import get_chat_completion_handler

    handler = get_chat_completion_handler(TOOL_CHAT_FORMAT)
    kwargs.update(stream=False, llama=llama, tools=request["tools"])
    result: Any = handler(tool_choice="auto", **kwargs)  # grammar-constrained: whole reply
    chosen = chosen_tool(result, {t["function"]["name"] for t in request["tools"]})
    if chosen is not None:
        # This handler version stops after "functions.NAME:" without the arguments;
        # asking again with that tool forced makes it write them (JSON-schema grammar).
        forced: Any = {"type": "function", "function": {"name": chosen}}
        result = handler(tool_choice=forced, **kwargs)
    return iter([result])


def chosen_tool(result: dict[str, Any], names: set[str]) -> str | None:
    """The tool a reply named without calling it ("functions.calculator:"), if any."""
    message = result["choices"][0].get("message") or {}
    if message.get("tool_calls"):
        return None
    match = _HALF_TOOL_CALL.fullmatch(message.get("content") or "")
    return match.group(1) if match and match.group(1) in names else None


def compact(part: dict[str, Any]) -> dict[str, Any]:
    """A streamed token as ``{"text": ...}``: most of the pipe's traffic, kept small.
    Anything else (finish reasons, tool calls) travels whole as ``{"part": ...}``."""
    choice = (part.get("choices") or [{}])[0]
    delta = choice.get("delta")
    if delta is not None and set(delta) <= {"content", "role"} and not choice.get("finish_reason"):
        return {"text": delta.get("content") or ""}
    return {"part": part}


def prompt_tokens(llama: Any, messages: list[dict[str, Any]]) -> int:
    count = 0
    for message in messages:
        text = str(message.get("content") or "")
        count += len(llama.tokenize(text.encode("utf-8"), add_bos=False)) + 4
    return count


def generate(llama: Any, channel: Channel, command: dict[str, Any],
             cancelled: set[int]) -> None:
    request_id = command["id"]
    if command["request"].get("tools"):
        # the grammar-constrained tool reply comes whole: no token to show for a while
        channel.send({"id": request_id, "whole_reply": True})
    try:
        for part in completion(llama, command["request"]):
            if request_id in cancelled:
                break
            channel.send({"id": request_id, **compact(part)})
        tokens = prompt_tokens(llama, command["request"]["messages"])
    except Exception as exc:  # reported to the bot, which turns it into an LLMError
        channel.send({"id": request_id, "error": {"type": type(exc).__name__,
                                                  "message": str(exc)[:500]}})
        return
    finally:
        cancelled.discard(request_id)
    channel.send({"id": request_id, "end": {"input_tokens": tokens}})


def read_commands(stdin: IO[str], commands: queue.Queue[Any], cancelled: set[int]) -> None:
    """Runs in a thread so that a cancel arrives while the main thread generates."""
    for line in stdin:
        command = json.loads(line)
        if command.get("op") == "cancel":
            cancelled.add(command["id"])
        else:
            commands.put(command)
    commands.put(None)


def serve(llama: Any, channel: Channel) -> None:
    commands: queue.Queue[Any] = queue.Queue()
    cancelled: set[int] = set()
    threading.Thread(target=read_commands, args=(sys.stdin, commands, cancelled),
                     daemon=True).start()
    while (command := commands.get()) is not None:
        if command.get("op") == "generate":
            generate(llama, channel, command, cancelled)


def main() -> int:
    channel = Channel(os.fdopen(os.dup(1), "w", encoding="utf-8"))
    os.dup2(2, 1)
    config = json.loads(sys.stdin.readline() or "{}")
    try:
        llama = load(config)
    except Exception as exc:  # a file that is not a model, a model too big: say which
        channel.send({"error": {"type": type(exc).__name__, "message": str(exc)[:500]}})
        return 3
    channel.send({"ready": {"pid": os.getpid(), "n_ctx": llama.n_ctx()}})
    serve(llama, channel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
