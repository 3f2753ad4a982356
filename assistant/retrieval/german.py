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

# The months as German texts name them ("31. August 2025"); dates are read in several places.
MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
).split()

# Bump when `analyze` changes: stored chunk terms are then recomputed (see DocumentIndex).
ANALYZER_VERSION = 5

# Function words that carry no topic. Question words and the verbs of question phrases are
# included: "Was versteht man unter …" should not favour passages containing "versteht".
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
    man manche manchem manchen mancher manches mein meine mich mir mit muss musste müssen
    müsste darf dürfen dürfte sollen sollten nach
    nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines
    selbst sich sie sind so solche solchem solchen solcher solches soll sollte sondern
    sonst über um und uns unser unsere unter viel vom von vor war waren warst was weg weil
    weiter welche welchem welchen welcher welches wenn wer werde werden wie wieder will wir
    wird wirst wo wollen wollte worden wurde wurden zu zum zur zwar zwischen gibt gab geben
    welcher wieviel wieviele wie viele wann warum wozu wodurch womit woher wohin bitte mal
    denn eigentlich genau versteht verstehen bedeutet bedeuten heisst heißt gemeint meint
    definiert erkläre erklären beschreibe nenne zeige misst messen funktioniert funktionieren
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


# Linking elements between the parts of a German compound ("Bedarf-s-gemeinschaft").
_LINKS = ("", "s", "es", "n", "en", "e")
_MIN_PART = 4
_MIN_PART_ZIPF = 3.5  # both parts must be common words on their own


@lru_cache(maxsize=100_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The two parts of a German compound ("gesamtstadt" -> "gesamt", "stadt"), or ().

    A split is accepted when both parts are frequent German words (wordfreq); the split
    with the most frequent rarer part wins. Lets "Gesamtstadt" meet "Stadt gesamt" and
    "Kinderarmut" meet "Armut von Kindern".
    """
    from wordfreq import zipf_frequency

    if len(word) < 2 * _MIN_PART + 1 or not word.isalpha():
        return ()
    best: tuple[float, tuple[str, ...]] = (0.0, ())
    for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        tail_zipf = zipf_frequency(tail, "de")
        if tail_zipf < _MIN_PART_ZIPF:
            continue
        for link in _LINKS:
            if link and not head.endswith(link):
                continue
            stem = head[: len(head) - len(link)] if link else head
            if len(stem) < _MIN_PART:
                continue
            score = min(zipf_frequency(stem, "de"), tail_zipf)
            if score >= _MIN_PART_ZIPF and score > best[0]:
                best = (score, (stem, tail))
    return best[1]


def analyze(text: str) -> list[str]:
    """Index terms of a text: tokens without stop words, stemmed and folded; compounds
    also contribute their parts."""
    words = []
    for token in raw_tokens(text):
        if token in STOP_WORDS or (len(token) < 2 and not token.isdigit()):
            continue
        words.append(token)
        words.extend(compound_parts(token))
    stems = _stemmer().stemWords(words)
    return [s.translate(_FOLD) for s in stems]


def stem(word: str) -> str:
    """The index term of one whole word (a compound stays whole, hyphens are dropped)."""
    return _stemmer().stemWord(word.lower().replace("-", "")).translate(_FOLD)


@lru_cache(maxsize=1)
def _synonym_groups() -> dict[str, tuple[str, ...]]:
    """Stem -> stems of its synonyms, from prompts/synonyms.yaml."""
    from importlib.resources import files

    import yaml

    data = yaml.safe_load((files("prompts") / "synonyms.yaml").read_text(encoding="utf-8"))
    groups: dict[str, tuple[str, ...]] = {}
    for group in data.get("groups", []):
        stems = tuple(dict.fromkeys(stem(word) for word in group if " " not in word))
        for term in stems:
            groups[term] = tuple(s for s in stems if s != term)
    return groups


def synonyms(term: str) -> tuple[str, ...]:
    """Index terms that mean the same as `term` in planning documents."""
    return _synonym_groups().get(term, ())


def expand_query(terms: list[str]) -> list[str]:
    """Query terms plus their synonyms (each once)."""
    expanded = list(terms)
    for term in terms:
        expanded.extend(s for s in synonyms(term) if s not in expanded)
    return expanded


def content_terms(text: str) -> set[str]:
    """The distinct index terms of a text (used to judge how well a passage answers)."""
    return set(analyze(text))


def analyze_many(texts: Iterable[str]) -> list[list[str]]:
    return [analyze(t) for t in texts]
