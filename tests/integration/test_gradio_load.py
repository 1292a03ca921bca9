"""Many users at once: every answer finishes, and a full queue says so instead of hanging.

Wall times are measured by benchmarks/gradio_latency.py, never asserted here.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("gradio_client")
from gradio_client.utils import QueueError

from tests.integration.gradio_helpers import (
    answers,
    chat,
    client,
    gradio_settings,
    running,
    scripted_bot,
    wait_for,
)


def test_twenty_concurrent_clients_all_get_their_own_answer(tmp_path: Path) -> None:
    bot = scripted_bot(gradio_settings(tmp_path))  # "wait 0.5" answers after 0.5 s latency

    with running(bot) as url, ThreadPoolExecutor(20) as pool:
        users = list(pool.map(lambda _: client(url), range(20)))
        results = list(pool.map(lambda i: chat(users[i], f"wait 0.5 from user {i}")[0],
                                range(20)))
    assert [answers(r) for r in results] == [
        [f"You said: wait 0.5 from user {i}"] for i in range(20)]
    assert len(bot.store.keys()) == 20  # one conversation per client
    bot.store.close()


def test_a_full_queue_refuses_instead_of_hanging(tmp_path: Path) -> None:
    bot = scripted_bot(gradio_settings(tmp_path, concurrency=1, queue_size=1))
    with running(bot) as url:
        clients = [client(url) for _ in range(3)]
        running_job = clients[0].submit("wait 3 first", [], None, api_name="/chat")
        wait_for(lambda: running_job.status().code.name in ("PROCESSING", "ITERATING"))
        waiting_job = clients[1].submit("wait 0.1 second", [], None, api_name="/chat")
        wait_for(lambda: waiting_job.status().code.name == "IN_QUEUE")
        with pytest.raises(QueueError, match=r"(?i)queue is full"):
            clients[2].predict("third", [], None, api_name="/chat")
        assert answers(running_job.result()[1]) == ["You said: wait 3 first"]
        assert answers(waiting_job.result()[1]) == ["You said: wait 0.1 second"]
    bot.store.close()
