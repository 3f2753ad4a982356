"""Threads in the app database and rule-based rewriting of follow-up questions."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from assistant.access.threads import ThreadNotFound
from assistant.answering.conversation import (
    ConversationStore,
    FollowUpRewriter,
    Turn,
    looks_like_follow_up,
    rewrite_by_rules,
)
from assistant.models import Answer
from assistant.platform.config import Settings
from assistant.platform.db import engine_for

PREVIOUS = "Wie hoch ist die SGB-II-Quote im Hafenviertel?"
AREAS = ("Hafenviertel", "Nordviertel", "Sonnenberg", "Altstadt")


@pytest.mark.parametrize(
    ("follow_up", "standalone"),
    [
        ("Und in Nordviertel?", "Wie hoch ist die SGB-II-Quote in Nordviertel?"),
        ("Und im Nordviertel?", "Wie hoch ist die SGB-II-Quote im Nordviertel?"),
        ("Was ist mit Sonnenberg?", "Wie hoch ist die SGB-II-Quote in Sonnenberg?"),
        ("Und 2021?", "Wie hoch ist die SGB-II-Quote im Hafenviertel im Jahr 2021?"),
        (
            "Und 2021 in der Altstadt?",
            "Wie hoch ist die SGB-II-Quote in der Altstadt im Jahr 2021?",
        ),
        ("Und die Kinderarmut?", "Wie hoch ist die Kinderarmut im Hafenviertel?"),
        ("Und wie viele Kitas gibt es dort?", "Wie viele Kitas gibt es im Hafenviertel?"),
        ("Wie sieht es im Nordviertel aus?", "Wie hoch ist die SGB-II-Quote im Nordviertel?"),
        (
            "Welche Ziele verfolgt das Handlungskonzept?",
            "Welche Ziele verfolgt das Handlungskonzept?",
        ),
    ],
)
def test_rules_carry_the_topic_and_swap_area_or_year(follow_up: str, standalone: str) -> None:
    assert rewrite_by_rules(follow_up, PREVIOUS, AREAS) == standalone


def test_rules_swap_a_year_and_keep_an_unknown_area_by_its_ending() -> None:
    previous = "Wie hoch war die Kinderarmut im Hafenviertel im Jahr 2023?"
    assert rewrite_by_rules("Und 2019?", previous) == (
        "Wie hoch war die Kinderarmut im Hafenviertel im Jahr 2019?"
    )
    assert rewrite_by_rules("Und im Nordviertel?", previous) == (
        "Wie hoch war die Kinderarmut im Nordviertel im Jahr 2023?"
    )
    # No area in the previous question: the new one is added, nothing is replaced.
    assert rewrite_by_rules("Und im Hafenviertel?", "Wie viele Menschen leben in Armut?") == (
        "Wie viele Menschen leben in Armut im Hafenviertel?"
    )


@pytest.mark.parametrize(
    ("follow_up", "previous", "standalone"),
    [
        (
            "Und welche Frist gilt dafür?",
            "Welche Unterlagen muss der Antrag im Förderaufruf enthalten?",
            "Welche Frist gilt dafür (zu: Unterlagen, Antrag im Förderaufruf)?",
        ),
        (
            "Und bis wann?",
            "Welche Unterlagen gehören zur Interessenbekundung in Stufe 1?",
            "Bis wann (zu: Unterlagen zur Interessenbekundung in Stufe 1)?",
        ),
        (
            "Wie hoch ist die Förderquote dafür?",
            "Welche Maßnahmen fördert der Baustein A?",
            "Wie hoch ist die Förderquote dafür (zu: Maßnahmen, Baustein A)?",
        ),
        (
            "Und wie war das 2019?",
            "Wie hoch war die SGB-II-Quote im Hafenviertel 2023?",
            "Wie hoch war die SGB-II-Quote im Hafenviertel 2019?",
        ),
    ],
)
def test_a_follow_up_pointing_back_names_the_previous_subject(
    follow_up: str, previous: str, standalone: str
) -> None:
    assert rewrite_by_rules(follow_up, previous, AREAS) == standalone


def test_the_previous_subject_weighs_only_where_the_follow_up_names_none() -> None:
    from assistant.language.question import analyse_question

    leaning = analyse_question("Bis wann muss er eingereicht sein (zu: Unterlagen, Antrag)?")
    assert {"unterlag", "antrag"} <= leaning.topic_terms
    own = analyse_question("Welche Förderquote gilt dafür für freie Träger (zu: Unterlagen)?")
    assert "unterlag" not in own.topic_terms and "unterlag" in own.terms
    assert "forderquot" in own.topic_terms


def test_follow_up_detection() -> None:
    assert looks_like_follow_up("Und in Nordviertel?")
    assert looks_like_follow_up("Wie ist es dort?")
    assert not looks_like_follow_up("Wie hoch ist die Kinderarmut in der Altstadt?")


def test_rewriter_uses_the_last_turn_and_ignores_implausible_model_output() -> None:
    history = [Turn("Wie viele Kitas gibt es?", "…"), Turn(PREVIOUS, "24,7 Prozent [1].")]
    assert FollowUpRewriter().rewrite("Und 2020?", history) == (
        "Wie hoch ist die SGB-II-Quote im Hafenviertel im Jahr 2020?"
    )
    chatty = FollowUpRewriter(complete=lambda q, h: "Die Quote beträgt 24,7 Prozent [1].")
    assert chatty.rewrite("Und 2020?", history).endswith("im Jahr 2020?")
    assert FollowUpRewriter().rewrite("Und 2020?", []) == "Und 2020?"


def test_threads_and_messages_are_stored_per_workspace(settings: Settings) -> None:
    engine = engine_for(settings)
    tables = inspect(engine).get_table_names()
    assert {"threads", "messages"} <= set(tables)
    columns = {c["name"] for c in inspect(engine).get_columns("threads")}
    assert columns == {"id", "title", "workspace", "created_at"}

    store = ConversationStore(engine, "sozialamt")
    other = ConversationStore(engine, "jugendamt")
    thread = store.create()
    answer = Answer(
        question=PREVIOUS, text="Die Quote beträgt 24,7 Prozent [1].", mode="extractive"
    )
    store.add_exchange(thread.id, PREVIOUS, answer)
    assert store.find(thread.id).title == PREVIOUS  # the first question names the thread
    assert store.history(thread.id) == [Turn(PREVIOUS, answer.text)]
    assert [t.id for t in store.threads()] == [thread.id]
    assert other.threads() == []
    with pytest.raises(ThreadNotFound):
        other.find(thread.id)
    with pytest.raises(ThreadNotFound, match="gibt es nicht"):
        store.find("")

    store.delete(thread.id)
    assert store.threads() == [] and store.messages(thread.id) == []
