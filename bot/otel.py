"""Spans on OpenTelemetry, exported over OTLP/HTTP: imported only when ``tracing.enabled``.

One :class:`OtelTracer` per Bot, with its own ``TracerProvider`` (the process-wide
provider is left alone, so two bots never share an exporter). Every string attribute
passes through the secret redactor, and a failure is recorded by its type only: an
exception's message may quote the user's text or a server's reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.trace import Status, StatusCode

from config.sections import TracingSettings
from contracts.secrets import redact
from contracts.tracing import AttrValue, Span


def _clean(value: AttrValue) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


class OtelSpan:
    """A :class:`~contracts.tracing.Span` over an SDK span."""

    recording = True

    def __init__(self, tracer: trace.Tracer, span: trace.Span) -> None:
        self._tracer, self._span = tracer, span

    @contextmanager
    def child(self, name: str, attributes: dict[str, AttrValue] | None = None
              ) -> Iterator[Span]:
        with opened(self._tracer, name, attributes, trace.set_span_in_context(self._span)) as s:
            yield s

    def set(self, key: str, value: AttrValue | None) -> None:
        if value is not None:
            self._span.set_attribute(key, _clean(value))

    def fail(self, error: BaseException | str) -> None:
        kind = error if isinstance(error, str) else type(error).__name__
        self._span.set_status(Status(StatusCode.ERROR, redact(kind)[:200]))
        if not isinstance(error, str):
            self._span.set_attribute("error.type", type(error).__name__)


@contextmanager
def opened(tracer: trace.Tracer, name: str, attributes: dict[str, AttrValue] | None,
           context: Any = None) -> Iterator[Span]:
    """A span from start to end; a stop (cancel, closed stream) is marked, not failed."""
    attrs = {k: _clean(v) for k, v in (attributes or {}).items()}
    span = tracer.start_span(name, context=context, attributes=attrs)
    wrapped = OtelSpan(tracer, span)
    try:
        yield wrapped
    except (GeneratorExit, asyncio.CancelledError):
        span.set_attribute("bot.stopped", True)
        raise
    except BaseException as exc:
        wrapped.fail(exc)
        raise
    finally:
        span.end()


class OtelTracer:
    """A :class:`~contracts.tracing.Tracer` exporting to ``settings.endpoint``.

    Tests pass their own ``exporter`` (the SDK's in-memory one) and ``batch=False`` so a
    span is exported as soon as it ends.
    """

    def __init__(self, settings: TracingSettings, exporter: SpanExporter | None = None,
                 batch: bool = True) -> None:
        self.provider = TracerProvider(
            resource=Resource.create({"service.name": settings.service_name}))
        exporter = exporter or _otlp_exporter(settings)
        processor = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
        self.provider.add_span_processor(processor)
        self._tracer = self.provider.get_tracer("bot")

    def turn(self, attributes: dict[str, AttrValue]) -> Any:
        return opened(self._tracer, "bot.turn", attributes)

    def flush(self) -> None:
        self.provider.force_flush()

    def shutdown(self) -> None:
        self.provider.shutdown()


def _otlp_exporter(settings: TracingSettings) -> SpanExporter:
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    except ImportError:
        raise RuntimeError("tracing.enabled needs the OTLP exporter. Fix: pip install "
                           "'bot[otel]', or set tracing.enabled = false") from None
    headers = {k: v.get_secret_value() for k, v in settings.headers.items()}
    return OTLPSpanExporter(endpoint=settings.endpoint, headers=headers,
                            timeout=settings.timeout_s)
