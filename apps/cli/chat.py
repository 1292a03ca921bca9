"""``bot chat`` (the terminal REPL) and ``bot ask`` (one question, one answer)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    chat = sub.add_parser("chat", help="chat in the terminal (streams answers)")
    chat.add_argument("--session", metavar="NAME", help="continue the conversation NAME")
    chat.add_argument("--stats", action="store_true", help="show tokens, cost, latency per turn")
    chat.add_argument("--as", dest="as_principal", metavar="PRINCIPAL",
                      help="chat as this person would (docs/access.md)")
    chat.set_defaults(handler="apps.cli.chat:chat")
    ask = sub.add_parser("ask", help="ask one question and print the answer")
    ask.add_argument("question", nargs="+", help="the question ('-' reads stdin)")
    ask.add_argument("--session", metavar="NAME", help="ask within the conversation NAME")
    ask.add_argument("--stats", action="store_true", help="show tokens, cost, latency")
    ask.add_argument("--as", dest="as_principal", metavar="PRINCIPAL",
                     help="answer as this person would get it (docs/access.md)")
    ask.set_defaults(handler="apps.cli.chat:ask")


def chat(args: argparse.Namespace, settings: Any) -> int:
    from apps.cli.access import acting_as
    from bot.app import Bot
    from presenters.terminal.chat import run_chat

    user = getattr(args, "as_principal", None)
    return run_chat(Bot.from_settings(acting_as(settings, user)), args.session, args.stats, user)


def ask(args: argparse.Namespace, settings: Any) -> int:
    import asyncio

    from bot.app import Bot
    from presenters.terminal.chat import ask as ask_once

    question = " ".join(args.question)
    if question == "-":
        question = sys.stdin.read()

    from apps.cli.access import acting_as

    user = getattr(args, "as_principal", None)

    async def main() -> int:
        bot = Bot.from_settings(acting_as(settings, user))
        try:
            return await ask_once(bot, question, show_stats=args.stats,
                                  session_name=args.session, user=user)
        finally:
            await bot.aclose()

    return asyncio.run(main())
