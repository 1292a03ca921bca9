"""Quotes a newcomer can read: whole sections, re-flowed, the right ones first."""

from __future__ import annotations

from agents.coverage import covering
from agents.extractive import LEAD, extractive_answer
from agents.quoting import quote_section
from agents.reflow import reflow
from agents.retrieval import for_the_model
from contracts.events import Source
from knowledge.sections import stitch

WRAPPED = (
    "- **In a channel**: `/invite @bot`. The answer\n  streams into the message's thread.\n"
    "- **Direct message**: write.\n\n"
    "A paragraph wrapped\nat the file's width.\n\n"
    "```sh\nexport A=1\nbot serve slack\n```\n\n"
    "| Scope | Why |\n|---|---|\n| `chat:write` | post |"
)
TOKENS = Source(n=6, source="docs/slack.md", heading="Slack › 2. Install it and copy two tokens",
                score=0.54, text="1. **Install App**. Copy the token",
                section="1. **Install App → Install to Workspace → Allow.** Copy the\n"
                "   **Bot User OAuth Token** (`xoxb-…`).\n2. **App-Level Tokens**: copy it.")
CREATE = Source(n=7, source="docs/slack.md", heading="Slack › 1. Create the app",
                score=0.53, text="1. Open <https://api.slack.com/apps>",
                section="1. Open <https://api.slack.com/apps> and choose\n   **Create New App**.")
TALK = Source(n=1, source="docs/slack.md", heading="Slack › 4. Talk to it", score=0.57,
              text="- In a channel: `@bot how do I connect it to Slack?`",
              section="- **In a channel**: `/invite @bot`, then `@bot how do I connect it to "
              "Slack?`. The answer\n  streams into the message's thread.")
CLIENTS = Source(n=2, source="docs/api.md", heading="API › Clients", score=0.56,
                 text='llm -m team-bot "How do I connect it to Slack?"',
                 section='```\nllm -m team-bot "How do I connect it to Slack?"\n```')


def test_wrapped_lines_are_joined_and_blocks_keep_their_lines() -> None:
    text = reflow(WRAPPED)
    assert "The answer streams into the message's thread." in text
    assert "A paragraph wrapped at the file's width." in text
    assert "```sh\nexport A=1\nbot serve slack\n```" in text
    assert "| Scope | Why |\n|---|---|\n| `chat:write` | post |" in text
    assert "\n- **Direct message**: write." in text


def test_a_wrapped_number_is_not_a_list_item_but_a_later_step_is() -> None:
    text = reflow("Requests without a signature get\n401. Nothing runs unverified.\n\n"
                  "1. Copy the secret.\n2. Start it.")
    assert "signature get 401. Nothing runs unverified." in text
    assert "1. Copy the secret.\n2. Start it." in text


def test_chunks_overlapping_by_several_paragraphs_are_put_back_once() -> None:
    before = "Folders are walked.\n\n`__pycache__` is left out.\n\nLinks are not followed."
    chunk = "`__pycache__` is left out.\n\nLinks are not followed.\n\nCitations name files."
    assert stitch(before, chunk) == f"{before}\n\nCitations name files."
    assert stitch("A.", "B.\n\nC.") == "A.\n\nB.\n\nC."


def test_a_long_section_is_cut_at_a_paragraph_outside_code_with_where_to_read_on() -> None:
    section = "First paragraph.\n\n```sh\n" + "echo line\n\n" * 40 + "```\n\nLast paragraph."
    text = quote_section(section, "docs/x.md — Setup", limit=100)
    assert text.startswith("First paragraph.") and "echo" not in text
    assert text.endswith("… (read on: docs/x.md — Setup)")


def test_a_section_that_fits_is_quoted_whole() -> None:
    assert quote_section("Short.\n\n- a\n- b", "x") == "Short.\n\n- a\n- b"


def test_a_how_to_question_quotes_the_steps_of_one_file_in_order() -> None:
    text, used = extractive_answer("How do I connect it to Slack?", [TALK, CLIENTS],
                                   pool=[TOKENS, CREATE])
    assert text.startswith(LEAD)
    assert used[:2] == [CREATE, TOKENS], [s.heading for s in used]
    assert text.index("1. Create the app:") < text.index("2. Install it and copy two tokens:")
    assert "Copy the **Bot User OAuth Token** (`xoxb-…`)." in text, "re-flowed, whole"
    assert "See also [1] slack.md — 4. Talk to it; [2] api.md — Clients." in text


def test_the_model_reads_one_passage_per_file_and_the_rest_is_kept_for_the_quote() -> None:
    pool = [TALK, TOKENS, CLIENTS, CREATE]
    shown, rest = for_the_model(pool, top_k=2, per_file=1)
    assert [s.heading for s in shown] == [TALK.heading, CLIENTS.heading]
    assert [s.n for s in shown + rest] == [1, 2, 3, 4]
    assert {s.heading for s in rest} == {TOKENS.heading, CREATE.heading}


def test_a_question_the_docs_only_give_as_an_example_is_not_covered() -> None:
    example = Source(n=1, source="docs/knowledge-base.md", heading="Checks", score=0.6,
                     text='the user\'s message is searched as it is ("What is the capital of '
                     'France?" is never searched as "The document mentions that the capital '
                     'of France is Paris").')
    assert covering([example], "What is the capital of France?", [], 0.3) == []
    assert covering([TALK], "How do I connect it to Slack?", [], 0.3) == [TALK]


def test_a_long_section_shows_the_paragraphs_where_the_passage_was_found() -> None:
    section = "\n\n".join(f"Paragraph {i} says something about topic {i}." * 3 for i in range(40))
    text = quote_section(section, "docs/x.md — Long", limit=300,
                         at="Paragraph 20 says something about topic 20.")
    assert text.startswith("(…)\n\nParagraph 20 says")
    assert "Paragraph 19" not in text and text.endswith("… (read on: docs/x.md — Long)")


def test_a_long_section_is_quoted_from_its_opening_when_the_search_found_that_too() -> None:
    opening = "Paragraph 0 says something about topic 0." * 3
    section = "\n\n".join(f"Paragraph {i} says something about topic {i}." * 3 for i in range(40))
    later = Source(n=2, source="docs/x.md", heading="X › Long", score=0.6,
                   text="Paragraph 20 says something about topic 20.", section=section)
    first = later.model_copy(update={"n": 5, "score": 0.4, "text": opening})
    text, _ = extractive_answer("What does topic 20 say?", [later], more=[first])
    assert "[2] x.md — Long:\n\nParagraph 0 says" in text  # cited as the better passage
    # the better passage lies past what a quote from the opening reaches: shown after it
    opening_part, _, found_part = text.partition("\n\n(…)\n\n")
    assert "Paragraph 1 says" in opening_part and "Paragraph 19" not in text
    assert found_part.startswith("Paragraph 20 says") and "… (read on: docs/x.md — Long)" in text
    assert len(opening_part.partition("Long:\n\n")[2]) > len(found_part) > 0
    alone, _ = extractive_answer("What does topic 20 say?", [later])
    assert "[2] x.md — Long:\n\n(…)\n\nParagraph 20 says" in alone
    middle = later.model_copy(update={"n": 5, "score": 0.4, "text": "Paragraph 9 says"
                                      " something about topic 9."})
    text, _ = extractive_answer("What does topic 20 say?", [later], more=[middle])
    assert "(…)\n\nParagraph 20 says" in text  # a passage in the middle is no opening


def test_a_ranked_passage_deep_in_the_best_sections_quote_is_shown_after_its_opening() -> None:
    section = "\n\n".join(f"Paragraph {i} says something about topic {i}." * 3 for i in range(40))
    opening = Source(n=1, source="docs/x.md", heading="X › Long", score=0.7,
                     text="Paragraph 0 says something about topic 0.", section=section)
    deep = opening.model_copy(update={"n": 2, "score": 0.5,
                                      "text": "Paragraph 30 says something about topic 30."})
    text, _ = extractive_answer("What does topic 30 say?", [opening], pool=[deep])
    assert "[1] x.md — Long:\n\nParagraph 0 says" in text
    assert "\n\n(…)\n\nParagraph 30 says" in text
    within_only, _ = extractive_answer("What does topic 30 say?", [opening], more=[deep])
    assert "(…)" not in within_only, "a passage only found within the file is no reason"


def test_a_found_passage_inside_the_quote_from_the_opening_adds_no_second_part() -> None:
    section = "\n\n".join(f"Paragraph {i} says something about topic {i}." for i in range(80))
    text = quote_section(section, "docs/x.md — Long", limit=600,
                         later=["Paragraph 3 says something about topic 3."])
    assert text.startswith("Paragraph 0 says") and "(…)" not in text
    assert text.endswith("… (read on: docs/x.md — Long)")


def test_a_step_goes_on_to_the_next_step_of_its_file_not_to_another_file() -> None:
    configure = Source(n=9, source="docs/slack.md", heading="Slack › 3. Configure and start",
                       score=0.51, text="export BOT_SLACK__BOT_TOKEN=xoxb-...",
                       section="```sh\nexport BOT_SLACK__BOT_TOKEN=xoxb-...\nbot serve slack\n```")
    source_kind = Source(n=1, source="docs/sources.md", heading="Sources › Slack threads",
                         score=0.56, text="kind = slack",
                         section="The Slack source reads threads from Slack channels.")
    text, used = extractive_answer("How do I connect it to Slack?", [source_kind, TOKENS],
                                   more=[configure])
    assert [s.heading for s in used[:2]] == [TOKENS.heading, configure.heading], text
    assert "See also [1] sources.md — Slack threads." in text


def test_a_long_table_is_cut_between_rows_under_its_header() -> None:
    rows = "\n".join(f"| fault {i} | what the bot does about fault {i}, at length |"
                     for i in range(40))
    text = quote_section(f"Intro.\n\n| Fault | What |\n|---|---|\n{rows}", "x.md — T",
                         limit=400)
    assert "| Fault | What |\n|---|---|\n| fault 0 |" in text, text
    assert text.split("\n\n… (read on")[0].endswith("at length |"), "whole rows only"


def test_a_paragraph_too_long_to_fit_is_cut_at_a_sentence_not_left_out() -> None:
    long = " ".join(f"Sentence {i} says more about the model." for i in range(60))
    text = quote_section(f"```sh\nmake chat\n```\n\n{long}", "README.md — Two commands",
                         limit=400)
    assert "Sentence 0 says more about the model." in text, text
    assert text.split("\n\n… (read on")[0].endswith("about the model."), text


def test_a_word_every_candidate_holds_counts_less_than_a_rare_one() -> None:
    from agents.extractive import word_weights

    def page(n: int, heading: str, section: str) -> Source:
        return Source(n=n, source="docs/eval.md", heading=heading, score=0.5, text=section,
                      section=section)

    everywhere = [page(i, f"Judges › Part {i}", "The judge picks a model.") for i in range(4)]
    against = page(9, "Judges › Answers", "The judge compares the two models' answers.")
    weights = word_weights("How do I compare two models with a judge?", [*everywhere, against])
    assert weights["compar"] > weights["judg"] and weights["two"] > weights["model"]
    assert abs(sum(weights.values()) - 1) < 1e-9


def test_the_section_holding_the_rarer_words_of_the_question_is_quoted_first() -> None:
    verdicts = Source(n=1, source="docs/eval.md", heading="Judges › Verdicts", score=0.52,
                      text="A verdict", section="The judge's verdict, in a fixed shape: any "
                      "model can write it, and the judge reads it.")
    shape = Source(n=2, source="docs/eval.md", heading="Judges › Reasons", score=0.5,
                   text="A reason", section="A judge gives its reason; a model follows.")
    answers = Source(n=3, source="docs/eval.md", heading="Judges › Answers", score=0.42,
                     text="--against", section="`--against PROFILE` compares two models: "
                     "the judge reads both answers.")
    text, used = extractive_answer("How do I compare two models with a judge?",
                                   [verdicts], [shape, answers])
    assert used[0] is answers, text


def test_no_candidate_holding_a_word_of_the_question_gives_equal_shares() -> None:
    from agents.extractive import word_weights

    weights = word_weights("Where is the espresso machine?", [TALK, CLIENTS])
    assert len(weights) == 2 and set(weights.values()) == {0.5}
