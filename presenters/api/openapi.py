"""``GET /openapi.json``: the API's own endpoints as OpenAPI 3.1, in OpenAI's shapes.

Field names and types follow OpenAI's published description of the same endpoints (the
request of ``POST /v1/chat/completions``, ``chat.completion``, the ``model`` object, the
error body), restricted to what this API reads and writes; the bot's own additions are
named ``bot``. Fuzzers (Schemathesis) and client generators read it; it holds no secret,
so it is served without a key.
"""

from __future__ import annotations

from typing import Any

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref("ErrorResponse")}}}


TEXT_PART = {"type": "object", "required": ["type", "text"],
             "properties": {"type": {"type": "string", "enum": ["text"]},
                            "text": {"type": "string"}}}
MESSAGE = {
    "type": "object", "required": ["role"],
    "properties": {
        "role": {"type": "string", "enum": ["system", "developer", "user", "assistant",
                                            "tool", "function"]},
        "content": {"anyOf": [{"type": "string"}, {"type": "array", "items": TEXT_PART},
                              {"type": "null"}]},
        "name": {"type": "string"},
    },
}
REQUEST = {
    "type": "object", "required": ["model", "messages"],
    "properties": {
        "model": {"type": "string"},
        "messages": {"type": "array", "minItems": 1, "items": _ref("ChatCompletionMessage")},
        "stream": {"type": ["boolean", "null"]},
        "stream_options": {"type": ["object", "null"],
                           "properties": {"include_usage": {"type": "boolean"}}},
        "user": {"type": "string", "maxLength": 256},
        "n": {"type": ["integer", "null"], "minimum": 1, "maximum": 1},
        "temperature": {"type": ["number", "null"]},
        "top_p": {"type": ["number", "null"]},
        "max_tokens": {"type": ["integer", "null"]},
        "max_completion_tokens": {"type": ["integer", "null"]},
        "seed": {"type": ["integer", "null"]},
    },
}
USAGE = {"type": "object", "required": ["prompt_tokens", "completion_tokens", "total_tokens"],
         "properties": {"prompt_tokens": {"type": "integer"},
                        "completion_tokens": {"type": "integer"},
                        "total_tokens": {"type": "integer"}}}
COMPLETION = {
    "type": "object", "required": ["id", "object", "created", "model", "choices"],
    "properties": {
        "id": {"type": "string"}, "object": {"type": "string", "enum": ["chat.completion"]},
        "created": {"type": "integer"}, "model": {"type": "string"}, "usage": USAGE,
        "choices": {"type": "array", "items": {
            "type": "object", "required": ["index", "message", "finish_reason"],
            "properties": {
                "index": {"type": "integer"},
                "finish_reason": {"type": "string"},
                "logprobs": {"type": "null"},
                "message": {"type": "object", "required": ["role", "content"],
                            "properties": {"role": {"type": "string", "enum": ["assistant"]},
                                           "content": {"type": ["string", "null"]},
                                           "bot": {"type": "object"}}}}}},
    },
}
MODEL = {"type": "object", "required": ["id", "object", "created", "owned_by"],
         "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["model"]},
                        "created": {"type": "integer"}, "owned_by": {"type": "string"}}}
MODEL_LIST = {"type": "object", "required": ["object", "data"],
              "properties": {"object": {"type": "string", "enum": ["list"]},
                             "data": {"type": "array", "items": _ref("Model")}}}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["message", "type", "param", "code"],
    "properties": {"message": {"type": "string"}, "type": {"type": "string"},
                   "param": {"type": ["string", "null"]},
                   "code": {"type": ["string", "null"]}}}}}
# each server-sent event: a chat.completion.chunk as JSON, then "[DONE]"
SSE_EVENT = {"type": "object", "required": ["data"], "properties": {"data": {"type": "string"}}}
SCHEMAS = {"CreateChatCompletionRequest": REQUEST, "ChatCompletionMessage": MESSAGE,
           "CreateChatCompletionResponse": COMPLETION, "Model": MODEL,
           "ListModelsResponse": MODEL_LIST, "ErrorResponse": ERROR}
REFUSALS = {"400": _error("a request the API cannot take (the error names the field)"),
            "401": _error("no key, or not a configured one")}


def _chat_completions() -> dict[str, Any]:
    ok = {"description": "the answer, whole (JSON) or streamed (server-sent events)",
          "content": {JSON: {"schema": _ref("CreateChatCompletionResponse")},
                      "text/event-stream": {"schema": SSE_EVENT}}}
    return {"post": {
        "operationId": "createChatCompletion",
        "requestBody": {"required": True,
                        "content": {JSON: {"schema": _ref("CreateChatCompletionRequest")}}},
        "responses": {"200": ok, **REFUSALS,
                      "404": _error("`model` is not the configured model name"),
                      "413": _error("the body is over api.max_body_bytes"),
                      "429": _error("a budget refused the question"),
                      "502": _error("the turn failed before any text"),
                      "503": _error("the turn failed before any text; retrying may help")}}}


def openapi(model_name: str) -> dict[str, Any]:
    """The description, naming the one model this API serves."""
    model_param = {"name": "model", "in": "path", "required": True,
                   "schema": {"type": "string"}, "example": model_name}
    return {
        "openapi": "3.1.0",
        "info": {"title": "bot: OpenAI-compatible chat API", "version": "1"},
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": {
            "/v1/chat/completions": _chat_completions(),
            "/v1/models": {"get": {"operationId": "listModels", "responses": {
                "200": {"description": "the one model",
                        "content": {JSON: {"schema": _ref("ListModelsResponse")}}},
                **REFUSALS}}},
            "/v1/models/{model}": {"get": {
                "operationId": "retrieveModel", "parameters": [model_param], "responses": {
                    "200": {"description": "the model",
                            "content": {JSON: {"schema": _ref("Model")}}},
                    **REFUSALS, "404": _error("no such model")}}},
            "/health": {"get": {"operationId": "health", "security": [], "responses": {
                "200": {"description": "the process is up",
                        "content": {JSON: {"schema": {"type": "object"}}}}}}},
        },
    }
