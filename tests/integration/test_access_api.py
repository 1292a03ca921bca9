"""``bot serve api`` under ``[access]``, through the real ``openai`` client: a key trusted to
name its end user answers each user from what they may read — in the answer, the sources and
the ``bot`` field — and the model never sees more."""

from __future__ import annotations

import openai

from backends.scripted import ScriptedLLM
from bot.app import Bot
from config import Settings
from config.access import KeyAccess
from contracts.access import Principal
from knowledge.search import Searcher
from tests.integration.api_helpers import KEY, api_settings, serving
from tests.integration.test_access_turns import search_turn, world_settings  # noqa: F401
from tests.kb.access_corpus import ProbeWorld, leaks
from tests.kb.helpers import shared_minilm
from tools.search_knowledge import SearchKnowledge


def test_each_end_user_named_by_a_trusted_key_gets_only_what_they_may_read(
    world_settings: tuple[ProbeWorld, Settings],  # noqa: F811
) -> None:
    world, settings = world_settings
    access = settings.access.model_copy(update={"keys": {
        "alice": KeyAccess(principal="service:portal", trusted_to_name_user=True)}})
    settings = api_settings(settings.model_copy(update={"access": access}))
    users, docs = world.users[:3], world.docs
    llm = ScriptedLLM([r for _ in users for d in docs for r in search_turn(d)],
                      profile="scripted")
    tool = SearchKnowledge(Searcher(settings, embedder=shared_minilm()))
    bot = Bot.from_settings(settings, llms={"primary": llm},  # type: ignore[arg-type]
                            tools={"search_knowledge": tool})
    seen: dict[str, list[str]] = {u: [] for u in users}
    with serving(bot) as url:
        client = openai.OpenAI(base_url=url, api_key=KEY, max_retries=0, timeout=60)
        for user in users:
            for doc in docs:
                reply = client.chat.completions.create(
                    model="bot", user=user,
                    messages=[{"role": "user", "content": doc.question()}])
                seen[user].append(reply.model_dump_json())
    for user in users:
        asker = world.principal(user)
        assert leaks(world, asker, seen[user]) == [], user
        readable = [d for d in docs if set(d.readers) & set(asker.grants) - {"public"}]
        assert all(any(d.canary in s for s in seen[user]) for d in readable), user
    served = [str(m) for r in llm.requests for m in r.messages]
    everyone = Principal("merged", groups=tuple({g for u in users
                                                 for g in world.principal(u).grants}))
    assert leaks(world, everyone, served) == []
