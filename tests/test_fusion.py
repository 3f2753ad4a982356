import pytest

from assistant.retrieval.hybrid import reciprocal_rank_fusion


def test_item_ranked_well_by_both_lists_wins() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]], k=60)
    assert [i for i, _ in fused] == ["b", "a", "c"]


def test_scores_follow_the_formula() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b"], ["b"]], k=10))
    assert fused["a"] == pytest.approx(1 / 11)
    assert fused["b"] == pytest.approx(1 / 12 + 1 / 11)


def test_weights_shift_the_order() -> None:
    lists = [["a", "b"], ["b", "a"]]
    assert reciprocal_rank_fusion(lists, weights=[2.0, 1.0])[0][0] == "a"
    assert reciprocal_rank_fusion(lists, weights=[1.0, 2.0])[0][0] == "b"


def test_an_item_in_one_list_only_is_kept() -> None:
    fused = reciprocal_rank_fusion([["a"], ["z"]])
    assert {i for i, _ in fused} == {"a", "z"}
