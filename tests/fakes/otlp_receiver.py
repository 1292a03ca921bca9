"""An OTLP/HTTP trace receiver on loopback: decodes each export request with the
opentelemetry-proto messages and keeps the spans, as a collector would receive them."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


@dataclass
class Received:
    """What arrived: raw request bodies, and every span with its attributes decoded."""

    bodies: list[bytes] = field(default_factory=list)
    spans: list[dict[str, Any]] = field(default_factory=list)
    services: set[str] = field(default_factory=set)
    paths: list[str] = field(default_factory=list)


def _value(v: Any) -> Any:
    kind = v.WhichOneof("value")
    if kind == "array_value":
        return [_value(x) for x in v.array_value.values]
    return getattr(v, kind) if kind else None


def decode(body: bytes, into: Received) -> None:
    request = ExportTraceServiceRequest.FromString(body)
    for resource_spans in request.resource_spans:
        attrs = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
        into.services.add(str(attrs.get("service.name")))
        for scope in resource_spans.scope_spans:
            for span in scope.spans:
                into.spans.append({
                    "name": span.name, "id": span.span_id.hex(),
                    "parent": span.parent_span_id.hex() or None,
                    "trace": span.trace_id.hex(), "status": span.status.code,
                    "attributes": {a.key: _value(a.value) for a in span.attributes},
                })


def _handler(received: Received) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            received.paths.append(self.path)
            received.bodies.append(body)
            decode(body, received)
            reply = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: Any) -> None:
            return None

    return Handler


@contextmanager
def otlp_receiver() -> Iterator[tuple[str, Received]]:
    """``(traces URL, what arrived)`` while the receiver runs on a free loopback port."""
    received = Received()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(received))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/traces", received
    finally:
        server.shutdown()
        server.server_close()
