"""German text normalisation for lexical search.

Pipeline per token: lowercase -> split hyphenated compounds (keeping the joined form) ->
drop stop words -> Snowball German stem -> fold umlauts and ß. Numbers are kept whole
("23,4", "2.345") because planners search for figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from math import fsum

import Stemmer

from ingest.sentences import MONTHS

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+|-\d+)*", re.UNICODE)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})

# The months as German texts name them ("31. August 2025", `ingest.sentences.MONTHS`); dates
# are read in several places.
MONTH_NAMES = frozenset(month.lower() for month in MONTHS)  # as `words_of` writes them

# Bump when `analyze` changes: stored chunk terms are then recomputed (see DocumentIndex).
ANALYZER_VERSION = 15

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
    innerhalb außerhalb oberhalb unterhalb binnen gemäß laut bezüglich hinsichtlich jeweils
    sowie seit während wegen trotz ab bis
    beide beiden beider beides erste ersten erster erstes zweite zweiten zweiter zweites
    unseren unserem unserer unseres euren eurem eurer eures meinen meinem meiner meines
    deinen deinem deiner deines gar überhaupt trotzdem dennoch schon eben gilt gelten
    gegenüber versus vs
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


def raw_tokens(text: str, shared_tails: bool = True) -> list[str]:
    """Lowercased word and number tokens; hyphenated compounds give parts and joined form.
    With `shared_tails`, a first part that shares the next compound's last part („Neu- und
    Fortsetzungsanträge“, „Kinder- und Jugendhilfe“) also gives the compound it stands for
    (neuanträge, kinderhilfe), the word another text may use."""
    tokens: list[str] = []
    lowered = text.lower()
    waiting: list[str] = []  # first parts whose shared last part is still to come
    for match in _TOKEN.finditer(lowered):
        token = match.group(0)
        if shared_tails and lowered.startswith("-", match.end()) and token.isalpha():
            waiting.append(token)
            tokens.append(token)
            continue
        if waiting and token in _ELLIPSIS_JOINS:
            tokens.append(token)
            continue
        if waiting:
            last = compound_parts(token)[-1:]
            tokens += [f"{first}{last[0]}" for first in waiting] if last else []
            waiting = []
        if "-" in token:
            parts = [p for p in token.split("-") if p]
            tokens.extend(parts)
            tokens.append("".join(parts))
        else:
            tokens.append(token)
    return tokens


# Words between the first parts of compounds that share their last part („Bau-, Wohnungs-
# und Verkehrswesen“).
_ELLIPSIS_JOINS = frozenset({"und", "oder", "sowie", "bzw"})

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


DocumentFrequencies = Callable[[list[str]], dict[str, int]]
MIN_KNOWN_PART = 4
# A word this common in German is a word of its own („Brandenburg“, „Definition“), not a
# compound coined for the question: its absence from the corpus is not made up by parts.
_MAX_SPLIT_ZIPF = 3.5


def known_parts(word: str, document_frequency: DocumentFrequencies) -> tuple[str, ...]:
    """Index terms of the parts of a compound the corpus knows, when the whole word is
    unknown to it: „Feuerwehrförderung“ → feuerwehr, forder; „EFRE-Zuschuss“ → efr,
    zuschuss. Hyphens split first; a part the corpus lacks is cut where both sides (with
    a linking s, es, n, en or e) are corpus terms, fewest parts first. Empty when the word
    is known as it is or cannot be made of known parts.

    Planners and documents name the same thing with different compounds; what counts is
    whether the corpus knows its parts, which a general word list cannot tell.
    """
    from wordfreq import zipf_frequency

    whole = stem(word)
    # „Kölns“, „Sachsens“: a name in the genitive is the name.
    genitive = stem(word[:-1]) if word[:1].isupper() and word.endswith("s") else whole
    pieces = [p for p in word.lower().split("-") if p]
    candidates = {whole, genitive, *(stem(p) for p in pieces)}
    for piece in pieces:
        candidates |= {stem(head) for head, _ in _cuts(piece)}
        candidates |= {term for _, tail in _cuts(piece) for term in analyze(tail)}
    frequencies = document_frequency(sorted(candidates))
    if frequencies.get(whole, 0):
        return ()
    if frequencies.get(genitive, 0):
        return (genitive,)
    known = {term for term, df in frequencies.items() if df}
    parts: list[str] = []
    for piece in pieces:
        if stem(piece) in known:
            parts.append(stem(piece))
            continue
        split = (
            None if zipf_frequency(piece, "de") >= _MAX_SPLIT_ZIPF else _split_known(piece, known)
        )
        if split is None:
            return ()
        parts += split
    return tuple(dict.fromkeys(parts))


def expand_unknown(text: str, document_frequency: DocumentFrequencies) -> list[str]:
    """The known parts of the words of `text` the corpus does not know as they are."""
    words = {t for t in raw_tokens(text) if t not in STOP_WORDS and not t[0].isdigit()}
    unknown = [w for w in sorted(words) if "-" not in w]  # hyphen parts come on their own
    frequencies = document_frequency(sorted({stem(w) for w in unknown}))
    found: list[str] = []
    for word in unknown:
        if not frequencies.get(stem(word), 0):
            found += known_parts(word, document_frequency)
    return list(dict.fromkeys(found))


def _cuts(word: str) -> list[tuple[str, str]]:
    """(head without its linking element, tail) for every cut of a word."""
    cuts = []
    for cut in range(MIN_KNOWN_PART, len(word) - MIN_KNOWN_PART + 1):
        head, tail = word[:cut], word[cut:]
        for link in _LINKS:
            if head.endswith(link) and len(head) - len(link) >= MIN_KNOWN_PART:
                cuts.append((head[: len(head) - len(link)] if link else head, tail))
    return cuts


def _split_known(word: str, known: set[str]) -> list[str] | None:
    """The word's stem if known, else the known stems of two parts (the tail may be
    split once more: „Mindest|einwohner|zahl“). A known tail brings its own known parts
    too: „Mindest|einwohnerzahl“ is also about „einwohn“, which „mindestens 5 000
    Einwohnern“ says."""
    if stem(word) in known:
        return [stem(word)]
    best: list[str] | None = None
    fewest = 0
    for head, tail in _cuts(word):
        if stem(head) not in known:
            continue
        rest = [stem(tail)] if stem(tail) in known else _split_tail(tail, known)
        if rest is not None and (best is None or len(rest) < fewest):
            fewest = len(rest)
            inside = [t for t in analyze(tail) if t in known] if len(rest) == 1 else []
            best = list(dict.fromkeys([stem(head), *rest, *inside]))
    return best


def _split_tail(word: str, known: set[str]) -> list[str] | None:
    for head, tail in _cuts(word):
        if stem(head) in known and stem(tail) in known:
            return [stem(head), stem(tail)]
    return None


def analyze(text: str, shared_tails: bool = True) -> list[str]:
    """Index terms of a text: tokens without stop words, stemmed and folded; compounds
    also contribute their parts (and, with `shared_tails`, the compounds an elliptic
    „Neu- und Fortsetzungsanträge“ stands for)."""
    words = []
    for token in raw_tokens(text, shared_tails):
        if token in STOP_WORDS or (len(token) < 2 and not token.isdigit()):
            continue
        words.append(normal_ending(token))
        words.extend(normal_ending(part) for part in compound_parts(token))
    stems = _stemmer().stemWords(words)
    return [s.translate(_FOLD) for s in stems]


def word_terms(text: str) -> list[tuple[str, ...]]:
    """The index terms of each content word of a text, the whole word first, then its
    parts („Stadtteilvorhaben“: stadtteilvorhab, stadtteil, vorhab)."""
    found = []
    for match in _TOKEN.finditer(text):
        terms = analyze(match.group(0))
        if terms:
            whole = stem(match.group(0))
            found.append((whole, *(t for t in terms if t != whole)))
    return found


def per_word(weights: dict[str, float], text: str) -> dict[str, float]:
    """Term weights that count each word of the question once: a compound's parts share
    its weight instead of adding theirs („Stadtteilvorhaben“ would otherwise weigh as
    stadtteilvorhab + stadtteil + vorhab, three times a plain word like „Prozent“). A unit
    saying the whole word matches all of them; one saying a part gets that part's share.
    Parts found only in the corpus (`QuestionAnalysis.resolve`) are a compound's too."""
    words = word_terms(text)
    wholes = {terms[0] for terms in words}
    scale = dict.fromkeys(weights, 1.0)
    for terms in words:
        whole = terms[0]
        inside = [t for t in weights if t not in wholes and len(t) >= MIN_KNOWN_PART and t in whole]
        group = [t for t in dict.fromkeys([*terms, *inside]) if t in weights]
        if len(group) < 2:
            continue
        # A whole the corpus never says weighs nothing; its best part stands for it.
        top = weights.get(whole) or max(weights[t] for t in group)
        share = top / (fsum(weights[t] for t in group) or 1.0)
        for t in group:
            scale[t] = min(scale[t], share)
    return {t: w * scale[t] for t, w in weights.items()}


def stem(word: str) -> str:
    """The index term of one whole word (a compound stays whole, hyphens are dropped)."""
    return _stemmer().stemWord(normal_ending(word.lower().replace("-", ""))).translate(_FOLD)


@lru_cache(maxsize=1)
def _synonym_data() -> dict:
    from importlib.resources import files

    import yaml

    return yaml.safe_load((files("prompts") / "synonyms.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _endings() -> tuple[tuple[str, str], ...]:
    """(ending, its indexed form), longest first, from prompts/synonyms.yaml."""
    endings = (_synonym_data().get("endings") or {}).items()
    return tuple(sorted(((str(k), str(v)) for k, v in endings), key=lambda e: -len(e[0])))


_MIN_BEFORE_ENDING = 3


@lru_cache(maxsize=1)
def _ending_words() -> tuple[str, ...]:
    return tuple(ending for ending, _ in _endings())


def normal_ending(token: str) -> str:
    """A lowercased token with its ending in the form it is indexed by
    („universitätsstraße“ → „universitätsstr“, „finanziert“ → „finanzier“)."""
    if not token.endswith(_ending_words()):
        return token  # nearly every token: one check instead of one per ending (hot path)
    for ending, normal in _endings():
        if token.endswith(ending) and len(token) - len(ending) >= _MIN_BEFORE_ENDING:
            return token[: len(token) - len(ending)] + normal
    return token


@lru_cache(maxsize=1)
def _synonym_groups() -> dict[str, tuple[str, ...]]:
    """Stem -> stems of its synonyms, from prompts/synonyms.yaml; a word in two groups
    („Männer“ with „männlich“ and with „Väter“) has the synonyms of both."""
    groups: dict[str, tuple[str, ...]] = {}
    for group in _synonym_data().get("groups", []):
        stems = tuple(dict.fromkeys(stem(word) for word in group if " " not in word))
        for term in stems:
            others = (s for s in stems if s != term)
            groups[term] = tuple(dict.fromkeys((*groups.get(term, ()), *others)))
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


@lru_cache(maxsize=4096)
def name_terms(title: str, source: str) -> frozenset[str]:
    """The terms of a document's title and file name („FRL_KitaBau_Sachsen.md“: frl,
    kitabau, sachsen …)."""
    stem = source.rsplit(".", 1)[0].replace("_", " ")
    return frozenset(analyze(f"{title} {stem}"))


def analyze_many(texts: Iterable[str]) -> list[list[str]]:
    return [analyze(t) for t in texts]
