"""A failure inside a Ray worker reaches the user as the knowledge-base error it was."""

from __future__ import annotations

import pytest

from knowledge.errors import ModelFilesMissing, TextTooLong
from knowledge.ray_errors import RayIngestFailed, unwrap_ray_error

exceptions = pytest.importorskip("ray.exceptions")
MISSING = "kb.model_dir = /nowhere holds no model.onnx. Fix: point kb.model_dir at a folder"


def test_a_task_error_is_shown_as_the_original_error() -> None:
    wrapped = exceptions.RayTaskError(
        "EmbedBatch", "Traceback ...\nTextTooLong: ...", TextTooLong("text 3 has 300 tokens")
    ).as_instanceof_cause()
    with pytest.raises(TextTooLong) as caught, unwrap_ray_error():
        raise wrapped
    assert type(caught.value) is TextTooLong and str(caught.value) == "text 3 has 300 tokens"


def test_an_actor_that_died_in_its_constructor_is_read_back_from_the_traceback() -> None:
    trace = f'Traceback:\n  File "model_files.py"\nknowledge.errors.ModelFilesMissing: {MISSING}\n'
    died = exceptions.RayActorError(error_msg=trace, actor_init_failed=True)
    with pytest.raises(ModelFilesMissing, match=r"point kb\.model_dir"), unwrap_ray_error():
        raise died


def test_other_ray_failures_are_one_polite_line() -> None:
    failed = exceptions.RaySystemError("raylet died\nObjectLostError: object abc lost")
    with (
        pytest.raises(RayIngestFailed, match=r"Ray worker failed: Obj.* without --ray"),
        unwrap_ray_error(),
    ):
        raise failed


def test_errors_of_the_driver_itself_pass_unchanged() -> None:
    with pytest.raises(KeyError), unwrap_ray_error():
        raise KeyError("driver bug")
