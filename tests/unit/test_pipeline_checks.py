"""The pipeline's checks on routing and queries: scores and the user's words, not a model's."""

from __future__ import annotations

from agents.arithmetic import arithmetic_expression
from agents.coverage import covering
from agents.queries import context_query, invented_words
from agents.sentences import SentenceSplitter
from agents.small_talk import is_small_talk, small_talk_reply
from config import load_settings
from contracts.events import Source
from contracts.messages import ChatMessage

HISTORY = [
    ChatMessage.user("How do I start the web page?"),
    ChatMessage.assistant("Run `bot serve gradio` [1]."),
]


def passage(n: int, score: float, text: str) -> Source:
    return Source(n=n, source=f"docs/{n}.md", score=score, text=text)


def test_a_query_that_answers_the_question_itself_is_caught() -> None:
    invented = invented_words(
        "The document mentions that the capital of France is Paris",
        "What is the capital of France?", [],
    )
    assert invented == {"docume", "mentio", "pari"}
    assert invented_words("capital France", "What is the capital of France?", []) == set()


def test_a_follow_up_query_may_use_the_users_earlier_words_but_not_the_models() -> None:
    assert invented_words("change web page port", "How do I change its port?", HISTORY) == set()
    assert invented_words("gradio port", "How do I change its port?", HISTORY) == {"gradio"}
    assert invented_words("nginx port", "How do I change its port?", HISTORY) == {"nginx"}
    assert context_query("How do I change its port?", HISTORY) == (
        "How do I start the web page? How do I change its port?"
    )
    assert context_query("Hi", []) is None


def test_only_passages_that_score_and_share_a_word_with_the_message_cover_it() -> None:
    found = [
        passage(1, 0.62, "Set the port with `bot serve gradio --port 8080`."),
        passage(2, 0.45, "Answers stream into the page as they are written."),
        passage(3, 0.25, "The port of the Slack HTTP server is 3000."),
    ]
    kept = covering(found, "How do I change its port?", HISTORY, min_score=0.3)
    assert [(s.n, s.source) for s in kept] == [(1, "docs/1.md")]
    assert covering(found, "What is the tallest mountain?", HISTORY, 0.3) == []


def test_a_follow_up_without_words_of_its_own_borrows_the_previous_question() -> None:
    found = [passage(4, 0.5, "The web page starts with `bot serve gradio`.")]
    assert [s.n for s in covering(found, "And then?", HISTORY, 0.3)] == [1]


def test_greetings_never_make_a_passage_relevant() -> None:
    found = [passage(1, 0.9, "Thanks to the facilities team, hello and welcome.")]
    assert covering(found, "Thanks, hello!", [], 0.3) == []


def test_small_talk_and_sums_are_recognised_and_questions_are_not() -> None:
    assert is_small_talk("Hello, how are you?") and is_small_talk("Thanks, that's all for today!")
    assert not is_small_talk("Hello! How do I start the web page?")
    assert not is_small_talk("Thanks! What is the tallest mountain in the world?")
    assert small_talk_reply("Hi there!") == "reply_greeting"
    assert small_talk_reply("Thanks a lot, bye!") == "reply_thanks"
    assert small_talk_reply("Thanks! Where are the logs?") is None
    assert arithmetic_expression("What is 17 times 23?") == "17 * 23"
    assert arithmetic_expression("Calculate (3 + 4) * 5") == "(3 + 4) * 5"
    assert arithmetic_expression("How much is 100 divided by 7?") == "100 / 7"
    assert arithmetic_expression("How do I run 2 bots on port 3000?") is None
    assert arithmetic_expression("What is the capital of France?") is None


def test_streamed_text_is_cut_into_units_that_join_back_into_it() -> None:
    text = (
        "To start it, e.g. locally, do this:\n\n1. Open the page. Then log in!\n2. Run:\n\n"
        "```sh\nbot serve gradio\n```\n\nVersion 1.0 works? Yes"
    )
    splitter, units = SentenceSplitter(), []
    for i in range(0, len(text), 3):
        units += splitter.feed(text[i : i + 3])
    units += splitter.close()
    assert "".join(units) == text
    assert units == [
        "To start it, e.g. locally, do this:\n\n", "1. Open the page. ", "Then log in!\n",
        "2. Run:\n\n", "```sh\nbot serve gradio\n```\n\n", "Version 1.0 works? ", "Yes",
    ]


def test_embedded_profiles_are_small_unless_they_say_otherwise() -> None:
    settings = load_settings(profiles={"big_gguf": {"kind": "llamacpp", "small": False},
                                       "tiny_server": {"kind": "openai", "small": True}})
    small = {name: p.is_small() for name, p in settings.profiles.items()}
    assert small["local"] and small["tiny_server"]
    assert not small["big_gguf"] and not small["openai"] and not small["ollama"]
    assert load_settings(profiles={"mine": {"kind": "llamacpp"}}).profiles["mine"].is_small()
