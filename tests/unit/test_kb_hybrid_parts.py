"""Reciprocal-rank fusion and identifier extraction: the pure parts of hybrid retrieval."""

from __future__ import annotations

from knowledge.fusion import reciprocal_rank_fusion
from knowledge.identifiers import identifiers


def test_an_id_ranked_by_two_lists_beats_the_top_of_one() -> None:
    dense = ["a", "b", "c"]
    lexical = ["c", "d", "b"]
    fused = reciprocal_rank_fusion([(dense, 1.0), (lexical, 1.0)], k=60)
    assert fused[:2] == ["b", "c"] or fused[:2] == ["c", "b"]
    assert set(fused) == {"a", "b", "c", "d"}


def test_a_zero_weight_leaves_a_ranking_out() -> None:
    fused = reciprocal_rank_fusion([(["a", "b"], 1.0), (["z"], 0.0)], k=60)
    assert fused == ["a", "b"]


def test_weights_decide_between_two_rankings_that_disagree() -> None:
    assert reciprocal_rank_fusion([(["a"], 1.0), (["b"], 2.0)])[0] == "b"
    assert reciprocal_rank_fusion([(["a"], 2.0), (["b"], 1.0)])[0] == "a"


def test_identifiers_are_kept_whole_and_lower_cased() -> None:
    text = (
        "Set work_mem, pass --data-checksums to initdb, call os.path.join() or read "
        "pg_catalog.pg_class; define __init__ and getValue. Plain words, e.g. this, are not."
    )
    assert identifiers(text) == [
        "work_mem",
        "data-checksums",
        "os.path.join",
        "pg_catalog.pg_class",
        "__init__",
        "getvalue",
    ]


def test_a_question_without_identifiers_has_none() -> None:
    assert identifiers("How do I back up a database into one file?") == []


def test_the_passage_that_names_every_thing_asked_moves_up_the_fused_list() -> None:
    import numpy as np

    from knowledge.store import Hit
    from knowledge.term_coverage import by_coverage

    def hit(name: str, heading: str, text: str) -> Hit:
        return Hit(name, text, {"heading": heading}, 0.5, np.zeros(2, dtype=np.float32))

    revert = hit("revert", "git-revert › DESCRIPTION", "Revert, revert, revert a commit.")
    answer = hit("answer", "git-stash › DESCRIPTION",
                 "Stash the changes in a dirty working directory away, then restore them.")
    some = [hit(f"some{i}", "git-log", "Show the changes of commit logs.") for i in range(3)]
    fused = [revert, some[0], some[1], answer, some[2]]
    question = "How do I put aside my uncommitted changes and restore them later?"
    order = [h.id for h in by_coverage(fused, question, 1.0, k=60)]
    assert order.index("answer") < order.index("revert"), order
    assert by_coverage(fused, question, 0.0, k=60) == fused, "weight 0: the fused order"
