"""llama-cpp-python's own OpenAI-compatible server on loopback, for :mod:`benchmarks.child_server`.

``python -m benchmarks.llama_server --serve`` serves the embedded model (SmolLM2-135M) at
``/v1/chat/completions`` on a free port, prints the port and serves until stdin closes: a
real server no one here wrote, honouring ``response_format`` with a JSON-schema grammar as
llama.cpp servers do.
"""

from __future__ import annotations

import sys
import threading
import time

MODEL_ALIAS = "smollm2"


def serve() -> None:
    import uvicorn
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    from backends.model_files import default_gguf

    model = ModelSettings(model=str(default_gguf()), model_alias=MODEL_ALIAS, n_ctx=4096,
                          n_threads=1, verbose=False)
    # interrupt_requests=False: the judge asks both orders at once, and by default a second
    # request cuts the first one's stream short
    app = create_app(server_settings=ServerSettings(host="127.0.0.1", port=0,
                                                    interrupt_requests=False),
                     model_settings=[model])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    print(server.servers[0].sockets[0].getsockname()[1], flush=True)
    sys.stdin.read()  # until the parent closes it
    server.should_exit = True
    thread.join(10)


if __name__ == "__main__" and "--serve" in sys.argv:
    serve()
