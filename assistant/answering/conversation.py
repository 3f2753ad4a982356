"""Conversation threads: stored history and standalone rewriting of follow-up questions.

Tables (on `assistant.platform.db.Base`, created by `engine_for`):

- `threads`: the table `assistant.access.models.Thread`, which lives with the permission
  checks because they decide who may see a thread.
- `messages`: `id` (ascending = order), `thread_id` -> threads.id (deleted with the thread),
  `role` ("user" | "assistant"), `content` (what the user typed / the answer text shown),
  `answer` (assistant rows: `Answer.to_json()` as JSON text, whose "question" key holds the
  standalone question that was answered; NULL for user rows), `created_at` (UTC).

A follow-up such as „Und im Nordviertel?“ is rewritten into a standalone question before
retrieval: by the language model when one is configured, otherwise (and whenever the model
fails) by rules that carry over the previous question's topic and swap area or year.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from sqlalchemy import DateTime, Engine, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.access.models import Thread, new_thread, thread_title, utcnow
from assistant.access.threads import ThreadNotFound
from assistant.language.cues import cues
from assistant.language.question import YEAR, own_nouns
from assistant.llm.base import Complete, Turn
from assistant.models import Answer
from assistant.platform.db import Base


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    thread_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("threads.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConversationStore:
    """Threads and their messages in one workspace."""

    def __init__(self, engine: Engine, workspace: str) -> None:
        self.engine = engine
        self.workspace = workspace

    def create(self, title: str = "") -> Thread:
        thread = new_thread(title, self.workspace)
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            session.add(thread)
        return thread

    def find(self, thread_id: str) -> Thread:
        """The thread with this id or unique id prefix (as the CLI shows 8 characters)."""
        prefix = thread_id.strip().lower()
        with Session(self.engine, expire_on_commit=False) as session:
            rows = session.scalars(
                select(Thread)
                .where(Thread.workspace == self.workspace, Thread.id.startswith(prefix))
                .limit(2)
            ).all()
        if len(rows) != 1 or not prefix:
            raise ThreadNotFound(
                f"Einen Gesprächsverlauf „{thread_id}“ gibt es nicht"
                + (" eindeutig." if len(rows) > 1 else ".")
            )
        return rows[0]

    def threads(self) -> list[Thread]:
        with Session(self.engine, expire_on_commit=False) as session:
            return list(
                session.scalars(
                    select(Thread)
                    .where(Thread.workspace == self.workspace)
                    .order_by(Thread.created_at.desc())
                ).all()
            )

    def messages(self, thread_id: str) -> list[Message]:
        with Session(self.engine, expire_on_commit=False) as session:
            return list(
                session.scalars(
                    select(Message).where(Message.thread_id == thread_id).order_by(Message.id)
                ).all()
            )

    def add_exchange(self, thread_id: str, asked: str, answer: Answer) -> None:
        """Store the question as typed and the answer, both or neither."""
        payload = json.dumps(answer.to_json(), ensure_ascii=False)
        with Session(self.engine) as session, session.begin():
            thread = session.get(Thread, thread_id)
            if thread is None:
                raise ThreadNotFound(f"Einen Gesprächsverlauf „{thread_id}“ gibt es nicht.")
            if not thread.title:
                thread.title = thread_title(asked)
            session.add(Message(thread_id=thread_id, role="user", content=asked))
            session.add(
                Message(thread_id=thread_id, role="assistant", content=answer.text, answer=payload)
            )

    def history(self, thread_id: str, turns: int = 3) -> list[Turn]:
        """The last `turns` exchanges, oldest first."""
        result = []
        for message in self.messages(thread_id):
            if message.role != "assistant" or not message.answer:
                continue
            data = json.loads(message.answer)
            result.append(Turn(str(data.get("question", "")), message.content))
        return result[-turns:]

    def delete(self, thread_id: str) -> None:
        with Session(self.engine) as session, session.begin():
            for message in session.scalars(select(Message).where(Message.thread_id == thread_id)):
                session.delete(message)
            thread = session.get(Thread, thread_id)
            if thread is not None:
                session.delete(thread)


# ---- follow-up rewriting ---------------------------------------------------------------

_YEAR = re.compile(rf"\b({YEAR.pattern})\b")
_YEAR_PHRASE = re.compile(
    rf"\s*\b(?:im\s+jahre?\s+|für\s+|in\s+|seit\s+|bis\s+)?({YEAR.pattern})\b", re.IGNORECASE
)
_LOCATIVE = r"(?:im|in\s+der|in\s+den|in|am|für\s+das|für\s+den|für\s+die|für|beim|zum|zur)"
_NAME = r"[A-ZÄÖÜ][\wäöüß-]+(?:\s+[A-ZÄÖÜ][\wäöüß-]+)?"
_AREA_PHRASE = re.compile(rf"\b({_LOCATIVE})\s+({_NAME})")
# Endings of German district names; used when an area is not known from the data.
_AREA_SUFFIXES = (
    "viertel", "stadt", "feld", "felde", "heide", "berg", "park", "dorf", "hof", "wald",
    "au", "bach", "hausen", "ingen", "heim", "kamp", "bruch", "siedlung", "ring", "mitte",
    "nord", "süd", "ost", "west", "hafen", "garten", "tal", "grund", "weide", "höhe",
)  # fmt: skip
_FOLLOW_UP_START = re.compile(
    r"^\s*(und|aber|sowie|was\s+ist\s+mit|wie\s+sieht\s+es|wie\s+ist\s+es|wie\s+steht\s+es|"
    r"dasselbe|das\s+gleiche|gleiche|genauso|auch)\b",
    re.IGNORECASE,
)
_WITH_NAME = re.compile(rf"\bmit\s+(?:dem\s+|der\s+)?({_NAME})")
_DEICTIC_PLACE = re.compile(r"\b(dort|da|hier)\b", re.IGNORECASE)
_OWN_FRAME = re.compile(
    r"^(wie|was|wo|wer|welche[rsmn]?|wann|warum|wieso|weshalb|gibt|gab|ist|sind)\b", re.I
)
_DEICTIC = re.compile(r"\b(dort|da|hier|dorthin|damals|davon|dazu|diese[rsmn]?|deren)\b", re.I)
_FILLER = re.compile(
    r"\b(und|aber|was|ist|war|waren|mit|wie|sieht|sah|es|aus|steht|denn|dann|bitte|dort|da|"
    r"hier|damals|"
    r"dasselbe|das|gleiche|auch|genauso|jahr|jahre)\b",
    re.IGNORECASE,
)
_QUESTION_FRAME = re.compile(
    r"^(.*?\b(?:ist|sind|war|waren|liegt|liegen|lag|lagen|gibt\s+es|gab\s+es|hat|haben|"
    r"hatte|hatten|beträgt|betrug|leben|lebten|wohnen|wohnten))\b",
    re.IGNORECASE,
)


def looks_like_follow_up(question: str) -> bool:
    """Short questions that lean on the previous one: „Und im Nordviertel?“, „Und 2021?“."""
    if _FOLLOW_UP_START.search(question) or _DEICTIC.search(question):
        return True
    if cues().referring_words.in_text(question):
        return True
    return len(question.split()) <= 3


def rewrite_by_rules(question: str, previous: str, known_areas: Collection[str] = ()) -> str:
    """A standalone question from a follow-up and the previous standalone question.

    Area and year of the follow-up replace those of the previous question (or are added);
    a follow-up with its own topic („Und die Kinderarmut?“) keeps the previous question's
    frame, area and year. A question that stands on its own is returned unchanged.
    """
    question = " ".join(question.split())
    if not previous or not looks_like_follow_up(question):
        return question
    new_area, written = _follow_up_area(question, known_areas)
    new_year = _last_year(question)
    base = previous.strip().rstrip("?").strip()
    old_area = _area_phrase(base, known_areas)
    old_year = _YEAR_PHRASE.search(base)
    topic = _strip_conjunction(_topic_words(question, written))
    if topic:
        area = new_area or (old_area.group(0) if old_area else "")
        year = old_year.group(0).strip() if old_year else ""
        if new_year:
            year = f"im Jahr {new_year}"
        borrows = _leans_on_subject(topic)
        if _OWN_FRAME.match(topic) or borrows:
            # „Und wie hoch ist die Kinderarmut dort?“ is a question of its own but for „dort“;
            # „Was ist ein Sozialraum?“ leans on nothing and stays as it is.
            leaning = _FOLLOW_UP_START.search(question) or _DEICTIC.search(question)
            if not (leaning or new_area or new_year or borrows):
                return question
            # „Und welche Frist gilt dafür?“, „Und bis wann?“: the subject asked about
            # before is the subject now.
            note = _subject_note(base, topic) if borrows else ""
            area = "" if area and area in note else area
            text, replaced = _DEICTIC_PLACE.subn(area, topic, count=1) if area else (topic, 0)
            parts = [text, "" if replaced or _area_phrase(text, known_areas) else area, year, note]
        else:
            frame = _QUESTION_FRAME.match(base)
            parts = [frame.group(1) if frame else "", topic, area, year]
        return _as_question(" ".join(p for p in parts if p))
    text = base
    if new_area:
        if old_area:
            text = text[: old_area.start()] + new_area + text[old_area.end() :]
        else:
            text = _insert_before_year(text, new_area)
    if new_year:
        year_match = _YEAR.search(text)
        text = (
            text[: year_match.start()] + new_year + text[year_match.end() :]
            if year_match
            else f"{text} im Jahr {new_year}"
        )
    return _as_question(text)


def _follow_up_area(
    question: str, known_areas: Collection[str] = ()
) -> tuple[str | None, str | None]:
    """The area phrase to use and the text it was written as in the follow-up.

    „im Nordviertel“, „in Nordviertel“, „für Eichwald“ are used as written; „mit Sonnenberg“
    counts when the name is a known area or has a district ending, and becomes „in …“.
    """
    for match in _AREA_PHRASE.finditer(question):
        name = match.group(2)
        if _YEAR.fullmatch(name) or name.lower() in {"jahr", "jahre"}:
            continue
        return f"{match.group(1)} {name}", match.group(0)
    for match in _WITH_NAME.finditer(question):
        if _is_area(match.group(1), known_areas):
            return f"in {match.group(1)}", match.group(0)
    return None, None


def _is_area(name: str, known_areas: Collection[str]) -> bool:
    known = {a.casefold() for a in known_areas if a}
    lowered = name.casefold()
    return (
        lowered in known
        or any(w in known for w in lowered.split())
        or lowered.split()[-1].endswith(_AREA_SUFFIXES)
    )


def _area_phrase(text: str, known_areas: Collection[str]) -> re.Match[str] | None:
    """The area phrase of a question: a known area name, else a name with a district ending."""
    known = {a.casefold() for a in known_areas if a}
    found = None
    for match in _AREA_PHRASE.finditer(text):
        name = match.group(2)
        lowered = name.casefold()
        if lowered in known or any(w.casefold() in known for w in name.split()):
            return match
        if found is None and lowered.split()[-1].endswith(_AREA_SUFFIXES):
            found = match
    return found


# A noun phrase of a question: a capitalised word (or a quoted title), with the preposition
# or contracted article right before it („im Förderaufruf“, „der Antrag“).
_NOUN_PHRASE = re.compile(
    r"(?:\b(?:im|in|am|an|für|zum|zur|beim|bei|vom|von|nach|des|der|die|das|den|dem)\s+)?"
    r"(?:„[^“]+“|\b[A-ZÄÖÜ][\wäöüß]*(?:-[\wäöüß]+)*(?:\s+[A-ZÄÖÜ][\wäöüß]*(?:-[\wäöüß]+)*)*)"
    r"(?:\s+\d+\b)?"  # „Stufe 2“
)
_NOTE_PHRASES = 4
_ARTICLE = re.compile(r"^(?:der|die|das|den|dem)\s+", re.IGNORECASE)


def _leans_on_subject(question: str) -> bool:
    """A follow-up that points at the previous subject („dafür“, „dazu“) or has no noun
    of its own („Und bis wann?“, „Und wer?“)."""
    return cues().referring_words.in_text(question) or not own_nouns(question)


def _subject_note(previous: str, question: str) -> str:
    """„(zu: Unterlagen, Antrag im Förderaufruf)“: the noun phrases of the previous
    question that the follow-up does not repeat."""
    said = {w.casefold().strip("?,.") for w in question.split()}
    phrases: list[str] = []
    attached = False  # whether the last noun phrase was kept (a prepositional one joins it)
    # The question word („Welche“) is capitalised, not a noun.
    for match in _NOUN_PHRASE.finditer(previous.split(" ", 1)[-1]):
        phrase = _ARTICLE.sub("", match.group(0))
        noun = phrase.split()[-1].casefold()
        if noun in said or phrase in phrases:
            attached = False
            continue
        if phrase.split()[0].islower():  # „im Förderaufruf“ belongs to the noun before
            if attached:
                phrases[-1] = f"{phrases[-1]} {phrase}"
                continue
            phrase = phrase.split(" ", 1)[1]
        phrases.append(phrase)
        attached = True
    # The previous question's own subject comes first; older notes fall off the end.
    return f"(zu: {', '.join(phrases[:_NOTE_PHRASES])})" if phrases else ""


def _topic_words(question: str, area: str | None) -> str:
    """What the follow-up says besides area, year and filler words."""
    text = question.rstrip("?.! ")
    if area:
        text = text.replace(area, " ")
    text = _YEAR_PHRASE.sub(" ", text)
    remaining = _FILLER.sub(" ", text)
    if not remaining.strip(" ,;-"):
        return ""
    return " ".join(text.split()).strip(" ,;-")


def _strip_conjunction(text: str) -> str:
    return re.sub(r"^(und|aber|sowie)\s+", "", text, flags=re.IGNORECASE)


def _insert_before_year(text: str, phrase: str) -> str:
    year = _YEAR_PHRASE.search(text)
    if year:
        return f"{text[: year.start()]} {phrase}{text[year.start() :]}"
    return f"{text} {phrase}"


def _last_year(text: str) -> str | None:
    years = _YEAR.findall(text)
    return years[-1] if years else None


def _as_question(text: str) -> str:
    text = " ".join(text.split()).strip(" ,")
    return text[:1].upper() + text[1:] + "?"


class FollowUpRewriter:
    """Rewrites follow-ups into standalone questions; `complete` is the optional model."""

    def __init__(
        self,
        known_areas: Callable[[], Collection[str]] = tuple,
        complete: Complete | None = None,
    ) -> None:
        self.known_areas = known_areas
        self.complete = complete

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        if not history or not looks_like_follow_up(question):
            return question
        by_rules = rewrite_by_rules(question, history[-1].question, self.known_areas())
        if self.complete is None:
            return by_rules
        try:
            rewritten = self.complete(question, history)
        except Exception:
            # The model is optional here: the rules always give a usable question.
            return by_rules
        return rewritten if _plausible(rewritten) else by_rules


def _plausible(text: str) -> bool:
    """A model's rewrite is used only if it looks like one question, not like an answer."""
    text = text.strip()
    if not 5 <= len(text) <= 400 or "\n" in text or "[" in text:
        return False
    return text.endswith("?") or _OWN_FRAME.match(text) is not None
