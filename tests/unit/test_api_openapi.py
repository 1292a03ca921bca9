"""The API's OpenAPI description names OpenAI's fields, checked against the ``openai``
SDK's types (generated from OpenAI's published OpenAPI description of the same endpoints)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from openai.types import CompletionUsage, Model
from openai.types.chat import ChatCompletion, ChatCompletionMessage
from openai.types.chat import completion_create_params as create
from openai.types.chat.chat_completion import Choice
from pydantic import BaseModel

from bot.app import Bot
from config import load_settings
from presenters.api.app import build_app
from presenters.api.openapi import openapi
from tests.integration.api_helpers import api_settings

SCHEMAS = openapi("bot")["components"]["schemas"]
OURS = "bot"  # the bot's own addition, beside OpenAI's fields


def fields(schema: dict[str, Any]) -> set[str]:
    return set(schema["properties"]) - {OURS}


def required_by_openai(model: type[BaseModel]) -> set[str]:
    return {name for name, f in model.model_fields.items() if f.is_required()}


def test_the_request_fields_are_openais() -> None:
    theirs = set(create.CompletionCreateParamsBase.__annotations__) | {"stream"}
    assert fields(SCHEMAS["CreateChatCompletionRequest"]) <= theirs


def test_the_response_fields_are_openais_and_carry_every_required_one() -> None:
    pairs = [(SCHEMAS["CreateChatCompletionResponse"], ChatCompletion),
             (SCHEMAS["CreateChatCompletionResponse"]["properties"]["choices"]["items"], Choice),
             (SCHEMAS["CreateChatCompletionResponse"]["properties"]["choices"]["items"]
              ["properties"]["message"], ChatCompletionMessage),
             (SCHEMAS["CreateChatCompletionResponse"]["properties"]["usage"], CompletionUsage),
             (SCHEMAS["Model"], Model)]
    for schema, model in pairs:
        assert fields(schema) <= set(model.model_fields), model.__name__
        assert required_by_openai(model) <= set(schema["required"]), model.__name__


async def test_the_description_is_served_without_a_key(tmp_path: Path) -> None:
    bot = Bot.from_settings(api_settings(load_settings(data_dir=tmp_path, tools=[])))
    transport = httpx.ASGITransport(app=build_app(bot))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert "/v1/chat/completions" in response.json()["paths"]
