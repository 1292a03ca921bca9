"""The OpenAI-compatible API deployed on the loopback cluster, and its clients."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp

from tests.fakes.ray_cluster import LoopbackRayCluster
from tests.integration.cluster_fixtures import cluster_sections, write_toml

KEY = "sk-cluster-alice-0123456789"


def api_config(tmp_path: Path, cluster: LoopbackRayCluster, store_url: str, function: str,
               top: dict[str, Any] | None = None, **deploy: Any) -> Path:
    """The API on ``cluster`` (3 replicas unless ``deploy`` says otherwise), one key
    (alice), answering with ``tests.fakes.cluster_replies:<function>``; ``top`` adds
    top-level settings and sections (``{"kb": {...}}``)."""
    sections = cluster_sections(cluster, store_url, apps=["api"], **deploy)
    sections["api.keys"] = {"alice": KEY}
    sections["roles"] = {"primary": "model"}
    sections["profiles.model"] = {"kind": "function",
                                  "function": f"tests.fakes.cluster_replies:{function}"}
    extra = dict(top or {})
    tables = {k: v for k, v in extra.items() if isinstance(v, dict)}
    return write_toml(tmp_path / "bot.toml", {"tools": [], **{
        k: v for k, v in extra.items() if k not in tables}}, {**sections, **tables})


def ask_body(text: str, stream: bool = False) -> dict[str, Any]:
    return {"model": "bot", "messages": [{"role": "user", "content": text}], "stream": stream}


def headers(conversation: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEY}", "X-Bot-Conversation": conversation}


async def ask(http: aiohttp.ClientSession, url: str, conversation: str, text: str
              ) -> tuple[str, int]:
    """One non-streamed turn: (the answer's text, the pid of the replica that gave it)."""
    async with http.post(f"{url}/v1/chat/completions", json=ask_body(text),
                         headers=headers(conversation)) as response:
        reply = await response.json()
        assert response.status == 200, reply
        return reply["choices"][0]["message"]["content"], int(
            response.headers["X-Bot-Replica-Pid"])
