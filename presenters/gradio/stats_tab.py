"""The admin-only Stats tab: usage figures and charts, shown to ``gradio.admin_users``.

Everyone's page has the tab, hidden; on load it is shown to a signed-in admin only, and
the handler checks again on every refresh, so a non-admin calling it directly gets nothing.
With ``[access]`` on, the most cited sources are those the signed-in admin may read now:
an admin of the page is not an admin of every document (docs/access.md, "Reports").
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import gradio as gr

from bot.app import Bot
from contracts.access import Principal
from presenters.gradio.handlers import username
from presenters.gradio.hints import resolved
from presenters.gradio.stats_view import (
    LATENCY_BINS,
    WINDOWS,
    cost_per_day,
    feedback_per_day,
    latency_distribution,
    lists,
    summary,
    table,
)

GROUPS = ["(none)", "user", "channel", "presenter", "model", "day"]
NOT_ADMIN = "Only administrators see usage figures."


class StatsTab:
    """Builds the tab and answers its refreshes."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.admins = set(bot.settings.gradio.admin_users)

    def is_admin(self, request: gr.Request | None) -> bool:
        name = username(request)
        return name is not None and name in self.admins

    def viewer(self, request: gr.Request) -> Principal | None:
        """Who looks: the signed-in admin as they ask on this page, with the groups their
        configuration and the sources give them (None: [access] off)."""
        login = username(request)
        return self.bot.turns.principals.for_turn(f"gradio:{login}", login, f"gradio:{login}")

    @resolved
    def show(self, request: gr.Request) -> Any:
        return gr.update(visible=self.is_admin(request))

    @resolved
    async def refresh(self, window: str, by: str, request: gr.Request) -> tuple[Any, ...]:
        if not self.is_admin(request):
            return NOT_ADMIN, None, None, None, None, ""
        seconds = WINDOWS.get(window, WINDOWS["last 7 days"])
        since = None if seconds is None else time.time() - seconds
        group = None if by == "(none)" else by
        viewer = await asyncio.to_thread(self.viewer, request)  # may build the bot's parts
        report = await asyncio.to_thread(self.bot.usage_report, since, group,  # type: ignore[arg-type]
                                         viewer)
        days = report if group == "day" else await asyncio.to_thread(
            self.bot.usage_report, since, "day", viewer)
        return (summary(report), table(report), cost_per_day(days), latency_distribution(report),
                feedback_per_day(days), lists(report))

    @resolved
    async def sources(self, request: gr.Request) -> str:
        """The Sources section: each source's last sync, errors with the fix, next run."""
        if not self.is_admin(request):
            return ""
        lines = await asyncio.to_thread(self.bot.sources_status)
        return sources_markdown(lines)

    def build(self) -> gr.Tab:
        """The tab, hidden until :meth:`show` finds an admin; it fills itself when opened."""
        with gr.Tab("Stats", visible=False, elem_id="stats-tab") as tab:
            with gr.Row():
                window = gr.Dropdown(list(WINDOWS), value="last 7 days", label="Window")
                by = gr.Dropdown(GROUPS, value="(none)", label="Group by")
                refresh = gr.Button("Refresh", elem_id="stats-refresh")
            head = gr.Markdown(elem_id="stats-summary")
            grid = gr.Dataframe(label="Usage", interactive=False, elem_id="stats-table")
            with gr.Row():
                cost = gr.BarPlot(x="day", y="cost $", title="Cost per day", elem_id="stats-cost")
                latency = gr.BarPlot(x="latency", y="answers", title="Latency distribution",
                                     sort=[label for _, label in LATENCY_BINS],
                                     elem_id="stats-latency")
                rated = gr.BarPlot(x="day", y="% of answers", color="rating",
                                   title="Feedback rate per day", elem_id="stats-feedback")
            found = gr.Markdown(elem_id="stats-lists")
            synced = gr.Markdown(elem_id="stats-sources")
        outputs = [head, grid, cost, latency, rated, found]
        gr.on([refresh.click, tab.select], self.sources, None, [synced], api_visibility="private")
        gr.on([refresh.click, window.change, by.change], self.refresh, [window, by], outputs,
              api_visibility="private")
        tab.select(self.refresh, [window, by], outputs, api_visibility="private")
        return tab


def sources_markdown(lines: list[str]) -> str:
    """``bot sources status`` as Markdown: a source per item, its details nested."""
    items = [f"    - {line.strip()}" if line.startswith("  ") else f"- **{line.split(':')[0]}**"
             f"{line[len(line.split(':')[0]):]}" for line in lines]
    return "### Sources\n\n" + "\n".join(items)
