"""The page: a chat with streaming answers, Stop, retry/undo/clear, examples and feedback."""

from __future__ import annotations

from typing import Any

import gradio as gr

from bot.app import Bot
from presenters.gradio import approval, elicit
from presenters.gradio.bookkeeping import handled_event, skip_cheaply
from presenters.gradio.handlers import ChatHandlers, as_score
from presenters.gradio.hints import pin_signatures, resolved
from presenters.gradio.keys import storage_secret
from presenters.gradio.stats_tab import StatsTab

CSS = "#feedback-panel {max-width: 40rem}"


def header(title: str, description: str) -> str:
    return f"## {title}\n{description}" if description else f"## {title}"


def busy(running: bool) -> tuple[Any, Any]:
    """Send/Stop visibility: Stop shows only while an answer streams."""
    return gr.update(visible=not running), gr.update(visible=running)


@resolved
def example_text(data: gr.SelectData) -> str:
    """The prompt of the example a user clicked."""
    value = data.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def build_app(bot: Bot) -> gr.Blocks:
    """The Blocks app for ``bot``; queue and launch it with :func:`presenters.gradio.app.launch`."""
    s = bot.settings.gradio
    h = ChatHandlers(bot, s.stream_interval_s)
    secret = storage_secret(
        s.storage_secret.get_secret_value() if s.storage_secret else None, s.storage_key)
    with gr.Blocks(title=s.title, fill_height=True, analytics_enabled=False) as demo:
        sid = gr.BrowserState(None, storage_key=s.storage_key, secret=secret)
        turn_ids = gr.State([])
        pending = gr.State(None)
        asking = gr.State(None)  # an MCP server's question waiting for this browser
        with gr.Tabs():
            with gr.Tab("Chat", elem_id="chat-tab"):
                gr.Markdown(header(s.title, s.description))
                chatbot = gr.Chatbot(
                    label=s.title, show_label=False, scale=1, height=None, min_height=360,
                    feedback_options=("Like", "Dislike"), buttons=["copy", "copy_all"],
                    examples=[{"text": e} for e in s.examples] or None,
                    placeholder=f"**{s.title}**\n\n{s.description}", elem_id="chat")
                with gr.Row(equal_height=True):
                    box = gr.Textbox(placeholder="Ask a question…", show_label=False, scale=8,
                                     autofocus=True, lines=1, max_lines=8, elem_id="question")
                    send = gr.Button("Send", variant="primary", scale=1, min_width=80,
                                     elem_id="send")
                    stop = gr.Button("Stop", variant="stop", scale=1, min_width=80, visible=False,
                                     elem_id="stop")
                with gr.Group(visible=False, elem_id="feedback-panel") as panel:
                    comment = gr.Textbox(label="Thanks! Anything to add? (optional)", lines=2)
                    with gr.Row():
                        send_comment = gr.Button("Send comment", size="sm")
                        close = gr.Button("Close", size="sm")
                elicit.wire(h.questions, sid, asking)
                note = gr.Markdown(visible=False)
            stats = StatsTab(bot)
            stats_tab = stats.build()
        _wire_chat(h, chatbot, box, send, stop, sid, turn_ids, asking)
        _wire_feedback(h, chatbot, sid, turn_ids, pending, panel, comment, send_comment, close)
        _wire_api(h, sid, turn_ids, note)
        approval.wire(bot, chatbot, sid)
        demo.load(h.load, [sid], [sid, chatbot, turn_ids], queue=False, api_visibility="private")
        demo.load(stats.show, None, [stats_tab], queue=False, api_visibility="private")
    pin_signatures(demo)
    skip_cheaply(demo)
    return demo


def _wire_chat(h: ChatHandlers, chatbot: gr.Chatbot, box: gr.Textbox, send: gr.Button,
               stop: gr.Button, sid: gr.BrowserState, turn_ids: gr.State,
               asking: gr.State) -> None:
    # pre- and postprocessing done by the handler (handled_event): no worker-thread trips
    answer = handled_event(h.answer, [box, chatbot, sid, turn_ids],
                           [box, chatbot, sid, turn_ids, asking])
    retry = handled_event(h.retry, [chatbot, sid, turn_ids], [chatbot, sid, turn_ids, asking])
    triggers = [box.submit, send.click]
    # Enter pressed while an answer is still coming is sent once that answer is done (the
    # default, "once", would drop it without a sign)
    gr.on(triggers, lambda: busy(True), None, [send, stop], queue=False, api_visibility="private",
          trigger_mode="always_last")
    answering = gr.on(triggers, **answer, api_name="chat", show_progress="hidden",
                      trigger_mode="always_last")
    answering.then(lambda: busy(False), None, [send, stop], queue=False,
                   api_visibility="private")
    picked = chatbot.example_select(example_text, None, box, queue=False,
                                    api_visibility="private")
    picked.then(lambda: busy(True), None, [send, stop], queue=False, api_visibility="private")
    from_example = picked.then(**answer, api_visibility="private", show_progress="hidden")
    from_example.then(lambda: busy(False), None, [send, stop], queue=False,
                      api_visibility="private")
    retrying = chatbot.retry(**retry, api_name="retry", show_progress="hidden")
    retrying.then(lambda: busy(False), None, [send, stop], queue=False, api_visibility="private")
    chatbot.retry(lambda: busy(True), None, [send, stop], queue=False, api_visibility="private")
    stopping = stop.click(lambda: busy(False), None, [send, stop], queue=False,
                          cancels=[answering, from_example, retrying], api_visibility="private")
    stopping.then(h.after_stop, [sid], [chatbot, turn_ids, asking], api_visibility="private")
    chatbot.undo(h.undo, [sid], [box, chatbot, turn_ids], api_name="undo")
    chatbot.clear(h.clear, [sid], [chatbot, turn_ids], api_name="clear")


def _wire_feedback(h: ChatHandlers, chatbot: gr.Chatbot, sid: gr.BrowserState,
                   turn_ids: gr.State, pending: gr.State, panel: gr.Group,
                   comment: gr.Textbox, send_comment: gr.Button, close: gr.Button) -> None:
    @resolved
    async def on_like(ids: list[int | None], key: Any, data: gr.LikeData,
                      request: gr.Request) -> tuple[Any, Any, Any]:
        score = as_score(data.liked)
        said = await h.feedback(data.index, score, None, ids, key, request)
        if score is None or not said.startswith("Thanks"):
            return None, gr.update(visible=False), ""
        return {"index": data.index, "score": score}, gr.update(visible=True), ""

    @resolved
    async def on_comment(text: str, chosen: Any, ids: list[int | None], key: Any,
                         request: gr.Request) -> tuple[Any, Any, str]:
        if chosen and text.strip():
            gr.Info(await h.feedback(chosen["index"], chosen["score"], text, ids, key, request))
        return None, gr.update(visible=False), ""

    chatbot.like(on_like, [turn_ids, sid], [pending, panel, comment], api_visibility="private")
    gr.on([send_comment.click, comment.submit], on_comment,
          [comment, pending, turn_ids, sid], [pending, panel, comment], api_visibility="private")
    close.click(lambda: (None, gr.update(visible=False), ""), None, [pending, panel, comment],
                queue=False, api_visibility="private")


def _wire_api(h: ChatHandlers, sid: gr.BrowserState, turn_ids: gr.State,
              note: gr.Markdown) -> None:
    """Feedback for API clients: (message index, 1 or -1, comment) on their own session."""
    with gr.Row(visible=False):
        index = gr.Number(precision=0, label="message_index")
        score = gr.Number(precision=0, label="score")
        text = gr.Textbox(label="comment")
        trigger = gr.Button("feedback")
    trigger.click(h.feedback, [index, score, text, turn_ids, sid], [note], api_name="feedback")
