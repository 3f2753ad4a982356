"""German text normalisation for lexical search.

Pipeline per token: lowercase -> split hyphenated compounds (keeping the joined form) ->
drop stop words -> Snowball German stem -> fold umlauts and ß. Numbers are kept whole
("23,4", "2.345") because planners search for figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+|-\d+)*", re.UNICODE)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})

# Function words that carry no topic. Question words are included: "Wie hoch ist …" should
# not favour passages that happen to contain "wie".
STOP_WORDS = frozenset(
    """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes anders auch auf aus bei beim bin bis bist da dabei dadurch dafür dagegen daher
    damit dann darauf darin darum das dass daß dein deine dem den denen denn der deren des
    deshalb dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine
    einem einen einer eines einige einigen einiger einiges er es etwa etwas euch euer eure
    für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr
    ihre ihrem ihren ihrer ihres im in indem ins ist ja jede jedem jeden jeder jedes jene
    jenem jenen jener jenes jetzt kann kein keine keinem keinen keiner keines können könnte
    man manche manchem manchen mancher manches mein meine mich mir mit muss musste nach
    nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines
    selbst sich sie sind so solche solchem solchen solcher solches soll sollte sondern
    sonst über um und uns unser unsere unter viel vom von vor war waren warst was weg weil
    weiter welche welchem welchen welcher welches wenn wer werde werden wie wieder will wir
    wird wirst wo wollen wollte worden wurde wurden zu zum zur zwar zwischen gibt gab geben
    welcher wieviel wieviele wie viele wann warum wozu wodurch womit woher wohin bitte mal
    denn eigentlich genau
    """.split()
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    stemmer = Stemmer.Stemmer("german")
    stemmer.maxCacheSize = 200_000
    return stemmer


def fold(text: str) -> str:
    """Lowercase and fold umlauts and ß, so „Größe“ and „Groesse“-free spellings meet."""
    return text.lower().translate(_FOLD)


def raw_tokens(text: str) -> list[str]:
    """Lowercased word and number tokens; hyphenated compounds give parts and joined form."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        token = match.group(0)
        if "-" in token:
            parts = [p for p in token.split("-") if p]
            tokens.extend(parts)
            tokens.append("".join(parts))
        else:
            tokens.append(token)
    return tokens


def analyze(text: str) -> list[str]:
    """Index terms of a text: tokens without stop words, stemmed and folded."""
    words = [t for t in raw_tokens(text) if t not in STOP_WORDS and (len(t) > 1 or t.isdigit())]
    stems = _stemmer().stemWords(words)
    return [s.translate(_FOLD) for s in stems]


def content_terms(text: str) -> set[str]:
    """The distinct index terms of a text (used to judge how well a passage answers)."""
    return set(analyze(text))


def analyze_many(texts: Iterable[str]) -> list[list[str]]:
    return [analyze(t) for t in texts]
