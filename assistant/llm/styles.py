"""Answer styles (`--stil kurz|ausfuehrlich|stichpunkte`), defined in prompts/antwortstile.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.platform.templates import prompt_data

DEFAULT_STYLE = "kurz"


@dataclass(frozen=True, slots=True)
class AnswerStyle:
    name: str
    label: str
    instruction: str
    terms_instruction: str  # with a `{terms}` placeholder; empty if the style has none
    extractive_sentences: int
    answer_tokens: int
    bullets: bool
    definitions: bool
    max_chars: int = 1200  # longest answer shown; the rest is named in one closing line

    def prompt_instruction(self, terms: list[str]) -> str:
        """The style's instruction for the answer prompt, naming the terms to explain."""
        if self.definitions and terms and self.terms_instruction:
            return f"{self.instruction} {self.terms_instruction.format(terms=', '.join(terms))}"
        return self.instruction


def style_names() -> list[str]:
    return list(prompt_data("antwortstile.yaml"))


def get_style(name: str | None = None) -> AnswerStyle:
    """The named style; raises ValueError with a German message for an unknown name."""
    name = name or DEFAULT_STYLE
    data = prompt_data("antwortstile.yaml")
    if name not in data:
        raise ValueError(
            f"Unbekannter Antwortstil „{name}“. Möglich sind: {', '.join(style_names())}."
        )
    entry = data[name]
    return AnswerStyle(
        name=name,
        label=str(entry["bezeichnung"]),
        instruction=" ".join(str(entry["anweisung"]).split()),
        terms_instruction=" ".join(str(entry.get("begriffe_anweisung", "")).split()),
        extractive_sentences=int(entry["saetze_extraktiv"]),
        answer_tokens=int(entry["antwort_tokens"]),
        bullets=bool(entry.get("stichpunkte", False)),
        definitions=bool(entry.get("begriffe", False)),
        max_chars=int(entry.get("zeichen_max", 1200)),
    )
