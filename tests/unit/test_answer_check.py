"""A small model's answer is shown only where the passages support it, else their own words."""

from __future__ import annotations

from agents.checked_answer import CheckedAnswer
from agents.extractive import LEAD, extractive_answer
from agents.support import Evidence, check_sentence
from contracts.events import Source

SLACK = Source(
    n=1, source="docs/slack.md", heading="Running the bot in Slack › 2. Install it", score=0.55,
    text="1. **Install App → Install to Workspace → Allow.** Copy the **Bot User OAuth Token** "
    "(`xoxb-…`).\n2. Generate an app-level token with the scope `connections:write` and copy "
    "it (`xapp-…`).\n\n```sh\nexport BOT_SLACK__BOT_TOKEN=xoxb-...\n.venv/bin/bot serve slack\n```",
)
GRADIO = Source(
    n=2, source="docs/gradio.md", heading="The web page (Gradio)", score=0.35,
    text="`bot serve gradio` opens a chat page for your team at <http://127.0.0.1:7860>.",
)
# what the embedded model wrote when asked "How do I connect it to Slack?" (issue 10)
INVENTED = (
    "To connect it to Slack, follow these steps:\n\n"
    "1. Run `gitlab-kubectl create -f https://api.slack.com/workspace` to create a workspace.\n"
    "2. Add your SSH key to the Slack admin console under Security Keys.\n"
)


def stream(text: str, sources: list[Source], *, chunk: int = 5) -> tuple[list[str], CheckedAnswer]:
    """What the user sees, delta by delta, when ``text`` streams in ``chunk``-sized pieces."""
    check = CheckedAnswer("How do I connect it to Slack?", sources, min_share=0.7)
    shown = [check.feed(text[i : i + chunk]) for i in range(0, len(text), chunk)]
    return [*shown, check.finish()], check


def test_sentences_in_the_passages_words_are_shown_citing_the_passage_that_says_them() -> None:
    reply = "Copy the Bot User OAuth Token [2]. Then copy the app-level token."
    shown, check = stream(reply, [SLACK, GRADIO])
    assert "".join(shown) == "Copy the Bot User OAuth Token [1]. Then copy the app-level token [1]."
    assert check.shown_sources() == [SLACK]


def test_a_lone_sentence_that_passes_gives_way_to_the_documents_words() -> None:
    # what the embedded model answered through `bot ask`: the passage's words, recombined
    shown, check = stream("To connect to Slack, you need to have the `bot` command installed [3].",
                          [SLACK])
    answer = "".join(shown)
    assert answer.startswith(LEAD) and "command installed" not in answer
    assert "Copy the **Bot User OAuth Token**" in answer and check.shown_sources() == [SLACK]


def test_invented_steps_are_never_shown_and_the_documents_words_replace_them() -> None:
    shown, check = stream(INVENTED, [SLACK, GRADIO])
    answer = "".join(shown)
    for invented in ("gitlab", "kubectl", "SSH", "api.slack.com/workspace", "Security Keys"):
        assert invented not in answer
    assert answer.startswith(LEAD), "a lead-in to nothing is not shown"
    assert "[1] slack.md — 2. Install it:" in answer
    assert "Copy the **Bot User OAuth Token**" in answer  # quoted verbatim
    assert check.shown_sources()[0] == SLACK and len(check.dropped) == 2


def test_a_command_must_be_in_the_passage_word_for_word() -> None:
    evidence = [Evidence.of(SLACK)]
    assert check_sentence("Start it with `bot serve slack`.", evidence, 0.7).supported
    invented = check_sentence("Start it with `bot serve slack --socket`.", evidence, 0.7)
    assert not invented.supported
    assert not check_sentence("Set BOT_SLACK__APP_SECRET first.", evidence, 0.7).supported


def test_supported_sentences_stream_before_the_answer_ends() -> None:
    check = CheckedAnswer("tokens?", [SLACK], min_share=0.7)
    first = check.feed("Copy the Bot User OAuth Token. Copy the app-level token. Then generate")
    assert first == "Copy the Bot User OAuth Token [1]. Copy the app-level token [1]. "
    rest = check.feed(" it with `connections:write`.") + check.finish()
    assert rest == "Then generate it with `connections:write` [1]."


def test_a_lead_in_waits_for_a_sentence_that_passes() -> None:
    check = CheckedAnswer("tokens?", [SLACK], min_share=0.7)
    assert check.feed("Here is how:\n") == ""
    shown = check.feed("Copy the Bot User OAuth Token.\nCopy the app-level token.\n[--port N]")
    assert shown + check.finish() == (
        "Here is how:\nCopy the Bot User OAuth Token [1].\nCopy the app-level token [1].\n"
    ), "no trailing fragment"


def test_a_sentence_cut_off_by_the_length_limit_is_not_shown() -> None:
    check = CheckedAnswer("tokens?", [SLACK], min_share=0.7)
    shown = check.feed("Copy the Bot User OAuth Token. Copy the app-level token. Then export B")
    assert shown + check.finish(cut_short=True) == (
        "Copy the Bot User OAuth Token [1]. Copy the app-level token [1]. "
    )


def test_the_extractive_answer_quotes_the_passages_that_match_the_question_first() -> None:
    gradio = GRADIO.model_copy(update={"score": 0.52})  # close scores: the words decide
    text, used = extractive_answer("How do I open the web page?", [SLACK, gradio])
    assert used == [gradio, SLACK]
    assert text.index("[2] gradio.md — The web page (Gradio):") < text.index("[1] slack.md")
    assert GRADIO.text in text and "```sh" in text and text.count("```") % 2 == 0


def test_without_passages_there_is_no_extractive_answer() -> None:
    assert extractive_answer("anything", []) == ("", [])


def test_the_model_is_given_up_on_after_three_invented_sentences_in_a_row() -> None:
    check = CheckedAnswer("tokens?", [SLACK], min_share=0.7)
    check.feed("Install nginx on the server first. Then edit the Apache virtual host. ")
    assert not check.hopeless
    check.feed("Copy the Bot User OAuth Token. Restart the Kubernetes pod afterwards. ")
    assert not check.hopeless, "a sentence that passes starts the count again"
    check.feed("Then open the firewall on port 443. Finally reboot the Windows machine. x")
    assert check.hopeless


def test_a_number_must_be_a_whole_token_of_the_passage() -> None:
    evidence = [Evidence.of(Source(n=1, source="r.md", text="500 / 503 errors are retried."))]
    assert check_sentence("Errors 503 are retried.", evidence, 0.7).supported
    assert not check_sentence("Errors are retried 3 times.", evidence, 0.7).supported


def test_code_or_a_fragment_alone_is_not_an_answer() -> None:
    shown, check = stream("```sh\n.venv/bin/bot serve slack\n```\nCopy it (`xoxb-…`).", [SLACK])
    answer = "".join(shown)
    assert answer.startswith(LEAD), "a verbatim command with nothing said about it"
    assert check.dropped == []


def test_a_quote_starts_at_a_whole_sentence() -> None:
    chunk = Source(n=1, source="kb.md", heading="Default", score=0.5,
                   text="for an installed bot.\n   Refresh it with `sync` before a release.")
    text, _ = extractive_answer("How do I refresh it?", [chunk])
    assert "Refresh it with `sync` before a release." in text and "installed" not in text


def test_a_chunk_that_begins_inside_a_code_block_is_quoted_as_code() -> None:
    chunk = Source(n=1, source="README.md", heading="Switching models", score=0.5,
                   text='model = "llama3"\n```\n\nOllama, as a fallback:\n\n```toml\nx = 1\n```')
    text, _ = extractive_answer("Which model for Ollama?", [chunk])
    assert '```\nmodel = "llama3"\n```\n\nOllama, as a fallback:' in text
    assert text.count("```") == 4


def test_overlapping_chunks_of_one_section_are_not_quoted_twice() -> None:
    first = Source(n=1, source="slack.md", heading="HTTP mode", score=0.7,
                   text="Use this behind a public HTTPS address.\nStart it with `bot serve slack`.")
    second = Source(n=2, source="slack.md", heading="HTTP mode", score=0.6,
                    text="Start it with `bot serve slack`.\nIt serves `POST /slack/events`.")
    text, used = extractive_answer("How do I run it over HTTPS?", [first, second])
    assert text.count("Start it with `bot serve slack`.") == 1
    assert "[2] slack.md — HTTP mode:\n\nIt serves `POST /slack/events`." in text
    assert used == [first, second]


def test_a_passage_that_only_quotes_the_question_is_not_quoted_first() -> None:
    example = Source(n=2, source="docs/api.md", heading="The API › Clients", score=0.57,
                     text='llm -m team-bot "How do I connect it to Slack?"\nOpen WebUI: add a '
                     "connection.")
    text, used = extractive_answer("How do I connect it to Slack?", [example, SLACK])
    assert used == [SLACK, example]
    assert text.index("[1] slack.md") < text.index("[2] api.md")


def test_an_invented_clause_glued_to_a_copied_one_is_not_carried_by_it() -> None:
    """From the honest-answers run: SmolLM2 copied a sentence of the passage and went on
    after a semicolon with words of its own."""
    passage = Source(n=4, source="knowledge-base.md", heading="The default knowledge base",
                     text="The bot's docs are only added to a collection that holds nothing "
                     "else: once you have ingested your own documents into `kb.collection`, "
                     "`ensure-default` leaves it alone. Later runs check a stamp file in the "
                     "data dir and return at once when nothing changed.")
    evidence = [Evidence.of(passage)]
    copied = ("The documents are only added to a collection that holds nothing else: once you "
              "have ingested your own documents into `kb.collection`, `ensure-default` leaves "
              "it alone")
    invented = ("the document is returned at any time after no more data has been read from "
                "the file (the next write)")
    assert check_sentence(f"{copied}.", evidence, 0.8).supported
    assert not check_sentence(f"{copied}; {invented} [4].", evidence, 0.8).supported
    later = "later runs check a stamp file in the data dir and return at once"
    assert check_sentence(f"{copied}; {later}.", evidence, 0.8).supported
