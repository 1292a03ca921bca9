"""Leak probes through each presenter, as its users reach it: the terminal REPL (piped
input, the transcript it writes), the Gradio page through ``gradio_client`` (signed in by
the SSO proxy's e-mail header), Slack through the fake Slack (channel threads, where every
later turn is asked by someone new, and private answers), the API through the ``openai``
client (a key trusted to name its end user; the client resends the conversation) and MCP
through the ``mcp`` client (``search_knowledge``, and ``ask`` in new and continued
conversations). Each driver fills a :class:`Tally` from what the asker was shown."""

from __future__ import annotations

import asyncio
import io
import json
import time
from typing import Any

from benchmarks.probe_world import CHANNEL, Conversation, Probes, Tally, probe_llm, search_tool
from bot.app import Bot
from config import Settings
from config.access import KeyAccess
from contracts.access import place


def new_bot(settings: Settings) -> Bot:
    return Bot.from_settings(settings, llms={"primary": probe_llm()},  # type: ignore[arg-type]
                             tools=search_tool(settings))


class Transcript(io.StringIO):
    """Piped input that notes where the transcript stood when each line was read."""

    def __init__(self, lines: list[str], out: io.StringIO) -> None:
        super().__init__("".join(f"{line}\n" for line in lines))
        self.out, self.marks = out, list[int]()

    def readline(self, size: int = -1, /) -> str:  # type: ignore[override]
        self.marks.append(len(self.out.getvalue()))
        return super().readline(size)

    def answers(self) -> list[str]:
        """The transcript after each question, up to the next one."""
        text = self.out.getvalue()
        return [text[a:b] for a, b in zip(self.marks, self.marks[1:], strict=False)]


def terminal(p: Probes, conversations: list[Conversation], tally: Tally) -> None:
    """``bot chat --as USER`` with the questions piped in, one REPL per conversation."""
    from presenters.terminal.chat import TerminalChat

    bot, loop = new_bot(p.settings), asyncio.new_event_loop()
    try:
        for user, docs in conversations:
            out = io.StringIO()
            stdin = Transcript([d.question() for d in docs], out)
            TerminalChat(bot, stdin=stdin, stdout=out, stderr=out, user=user).run(loop)
            for doc, shown in zip(docs, stdin.answers(), strict=True):
                tally.add(p.world, p.principal(user), doc, shown)
    finally:
        loop.run_until_complete(bot.aclose())
        loop.close()


def gradio(p: Probes, conversations: list[Conversation], tally: Tally) -> None:
    """The page behind an SSO proxy on loopback: each user's client sends their e-mail."""
    from tests.integration.gradio_helpers import chat, client, launched

    access = p.settings.access.model_copy(update={"trusted_proxies": ["127.0.0.1"]})
    bot = new_bot(p.settings.model_copy(update={"access": access}))
    clients: dict[str, Any] = {}
    with launched(bot) as demo:
        for user, docs in conversations:
            if user not in clients:
                email = user.removeprefix("user:")
                clients[user] = client(str(demo.local_url),
                                       headers={access.email_header: email})
            sid = None
            for doc in docs:
                messages, sid = chat(clients[user], doc.question(), sid)
                last = max(i for i, m in enumerate(messages) if m["role"] == "user")
                tally.add(p.world, p.principal(user), doc, json.dumps(messages[last:]))
    asyncio.run(bot.aclose())


def api(p: Probes, conversations: list[Conversation], tally: Tally) -> None:
    """The ``openai`` client with a key trusted to name its end user in ``user``."""
    import openai

    from tests.integration.api_helpers import KEY, api_settings, serving

    keys = {"alice": KeyAccess(principal="service:portal", trusted_to_name_user=True)}
    settings = api_settings(p.settings.model_copy(update={
        "access": p.settings.access.model_copy(update={"keys": keys})}))
    with serving(new_bot(settings)) as url:
        client = openai.OpenAI(base_url=url, api_key=KEY, max_retries=0, timeout=120)
        for user, docs in conversations:
            messages: list[Any] = []
            for doc in docs:
                messages.append({"role": "user", "content": doc.question()})
                reply = client.chat.completions.create(model="bot", user=user,
                                                       messages=messages)
                tally.add(p.world, p.principal(user), doc, reply.model_dump_json())
                messages.append({"role": "assistant",
                                 "content": reply.choices[0].message.content or ""})


def mcp(p: Probes, conversations: list[Conversation], tally: Tally) -> None:
    """``search_knowledge`` and ``ask`` (continued through its conversation id), one bearer
    token per user, each token's name mapped to its user in ``[access.keys]``."""
    asyncio.run(_mcp(p, conversations, tally))


async def _mcp(p: Probes, conversations: list[Conversation], tally: Tally) -> None:
    from tests.integration.mcp_helpers import client, serving_mcp, with_serve

    names = {user: f"u{i}" for i, user in enumerate(p.world.users)}
    tokens = {name: f"mcp-probe-token-{name}-0123456789" for name in names.values()}
    keys = {names[u]: KeyAccess(principal=u) for u in p.world.users}
    settings = with_serve(p.settings.model_copy(update={
        "access": p.settings.access.model_copy(update={"keys": keys})}), tokens=tokens)
    bot = new_bot(settings)
    try:
        with serving_mcp(bot) as url:
            for user, docs in conversations:
                async with client(url, tokens[names[user]]) as c:
                    await _mcp_conversation(c, p, user, docs, tally)
    finally:
        await bot.aclose()


async def _mcp_conversation(c: Any, p: Probes, user: str, docs: list[Any], tally: Tally) -> None:
    asker, conversation = p.principal(user), None
    for doc in docs:
        found = await c.call_tool("search_knowledge", {"query": doc.question()})
        tally.add(p.world, asker, doc, _shown(found))
        args = {"question": doc.question(), **({"conversation": conversation}
                                               if conversation else {})}
        answer = await c.call_tool("ask", args)
        conversation = (answer.structured_content or {}).get("conversation") or conversation
        tally.add(p.world, asker, doc, _shown(answer))


def _shown(result: Any) -> str:
    texts = [getattr(part, "text", "") for part in result.content]
    return json.dumps(result.structured_content) + " ".join(texts)


def slack(p: Probes, conversations: list[Conversation], tally: Tally) -> None:
    """Half the conversations as channel threads (each later turn asked by another member:
    the thread follows the channel), half as private answers (the asker's own reading)."""
    half = len(conversations) // 2
    asyncio.run(_slack(p, conversations[:half], conversations[half:], tally))


async def _slack(p: Probes, threads: list[Conversation], private: list[Conversation],
                 tally: Tally) -> None:
    from tests.fakes.slack_harness import running_slack

    def make_bot(*_: Any, settings_: Settings, tools: Any = None, **__: Any) -> Bot:
        made.append(new_bot(settings_))
        return made[-1]

    made: list[Bot] = []
    ids = {user: f"U0P{i:03d}" for i, user in enumerate(p.world.users)}
    try:
        async with running_slack(make_bot, p.settings) as h:
            _people(h, ids)
            await _threads(h, p, threads, ids, tally)
        async with running_slack(make_bot, p.settings,
                                 channels={CHANNEL: {"ephemeral_default": True}}) as h:
            _people(h, ids)
            await _private(h, p, private, ids, tally)
    finally:
        for bot in made:
            await bot.aclose()


def _people(h: Any, ids: dict[str, str]) -> None:
    for user, uid in ids.items():
        h.fake.people[uid] = uid
        h.fake.emails[uid] = user.removeprefix("user:")


async def _threads(h: Any, p: Probes, threads: list[Conversation], ids: dict[str, str],
                   tally: Tally) -> None:
    channel = place(f"slack-channel:{CHANNEL}")  # the thread's strictest reader
    for user, docs in threads:
        root = None
        for n, doc in enumerate(docs, 1):
            asker = ids[p.world.users[(p.world.users.index(user) + n) % len(ids)]]
            ts = await h.mention(doc.question(), channel=CHANNEL, user=asker, thread_ts=root)
            root = root or ts
            answer = await h.answer(CHANNEL, root, count=n, timeout=120)
            tally.add(p.world, channel, doc, answer.text + json.dumps(answer.blocks))


async def _private(h: Any, p: Probes, private: list[Conversation], ids: dict[str, str],
                   tally: Tally) -> None:
    for user, docs in private:
        uid, root = ids[user], None
        asker = p.principal(user, f"slack-channel:{CHANNEL}")
        for doc in docs:
            before = len(h.fake.visible_ephemerals(uid))
            ts = await h.mention(doc.question(), channel=CHANNEL, user=uid, thread_ts=root)
            root = root or ts
            await h.fake.wait_for(lambda: len(h.fake.visible_ephemerals(uid)) > before  # noqa: B023
                                  and not h.presenter.answerer.inflight, 120)
            note = h.fake.visible_ephemerals(uid)[-1]
            tally.add(p.world, asker, doc, note.text + json.dumps(note.blocks))


DRIVERS = {"terminal": terminal, "gradio": gradio, "slack": slack, "api": api, "mcp": mcp}


def run_presenter(name: str, p: Probes, probes: int, turns: int = 3) -> Tally:
    """``probes`` questions through presenter ``name``, in conversations of ``turns``."""
    tally = Tally(name)
    started = time.perf_counter()
    asked = probes if name != "mcp" else probes // 2  # MCP: a search and an ask each
    DRIVERS[name](p, p.conversations(asked, turns), tally)
    tally.seconds = time.perf_counter() - started
    return tally
