"""Repairs that text extracted from real German PDFs needs; usable on any text.

- characters: soft hyphens, non-breaking and other odd spaces, ligatures, decomposed umlauts
- de-hyphenation across line ends, deciding with a German word list and the document's words
- words split by a space during extraction ("Arb eitsmarkt"), decided the same way
- running headers and footers and page numbers
- re-flowing lines into paragraphs
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache

from wordfreq import zipf_frequency

Vocabulary = Counter[str] | set[str] | frozenset[str]

_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
    | {"\ufb05": "st", "\ufb06": "st"}
)
# A non-breaking space that binds a dash to the word before it stays: the dash is part of
# a phrase („300 Bauwerk – Baukonstruktionen“), and no list splits at it.
_ODD_SPACES = re.compile(r"[\t\u2000-\u200a\u202f\u205f\u3000]|\u00a0(?![–—]\s)")
# Word writes list bullets in the Symbol and Wingdings fonts, whose glyphs PDFs map to the
# private use area („\uf0b7“ for •, „\uf0fc“ for ✓): read as the bullets they show, the
# items split like any list instead of running into one line.
_FONT_BULLET = re.compile(r"[\uf000-\uf0ff](?=\s)")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# LaTeX-made PDFs often emit "o¨" or "¨o" (spacing diaeresis) instead of "ö".
_SPACING_DIAERESIS = re.compile(r"([AOUaou]) ?\u00a8|\u00a8 ?([AOUaou])")
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*\n[ \t]*")
_MULTI_SPACE = re.compile(r" {2,}")

# A word known to wordfreq has a Zipf frequency of at least 1; below this it is rare enough
# that a piece of a split word is more likely than a real word.
_KNOWN_ZIPF = 1.0
_FRAGMENT_ZIPF = 2.5
_MIN_LETTER_JOIN = 5
_LONG_WORD = 8  # joined words shorter than this must be common to count as known
_WORD_OPENERS = frozenset("-(\"„“‚'[»«")
_CODE_CHARS = frozenset("_%$@\\/=")

# Short words that stand alone in German text. wordfreq also lists syllables such as "te" or
# "nen" with high frequency, so for tokens of up to three letters only this list counts.
_SHORT_WORDS = frozenset(
    """
    ab am an da du eh er es im in ja je ob oh so um wo zu ca nr dr daß muß laß
    ach all als alt ans arm auf aus bei bin bis bzw dar das dem den der des die dir ehe ein elf
    eng etc für gab gar geb gut hab hat her hin ich ihm ihn ihr ins ist kam man mag mal mir mit
    nah neu nie nix nun nur oft per pro rot sah sag sei sie sog tat tja tot tun tut ums und uns
    usw vgl via vom von vor war was weg weh wem wen wer wie wir wut zog zum zur
    amt art bau bus eis gas hof job kfz lkw mai mut öl ohr ort ost pkw rad rat ruf see süd tag
    tal tee tod ton tor tür typ uhr uni zug
    """.split()
)

# After a line-end hyphen these words mark an elliptical compound ("Kinder- und Jugendhilfe").
_ELLIPSIS_WORDS = frozenset(
    "und oder bzw sowie als wie bis noch beziehungsweise respektive u o statt anstatt".split()
)

_LETTER_RUN = re.compile(r"([^\W\d_]+)")
_LEADING_WORD = re.compile(r"[^\W\d_]+")
_VOCAB_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# Up to three digits: a lone four-digit number at the top of a page is more likely a year.
_PAGE_NUMBER = re.compile(
    r"^(?:(?:seite|s\.|page)\s*)?[-–—\[(]?\s*\d{1,3}\s*[-–—\])]?"
    r"(?:\s*(?:von|/|of|aus)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_RUNNING_ZONE = 3  # lines at the top and at the bottom of a page that may be header/footer
_SENTENCE_END = (".", "!", "?", ":", "…", '"', "“", "”")


def normalize_characters(text: str) -> str:
    """Canonical characters: NFC, no ligatures, soft hyphens or odd spaces; "\\n" line ends.

    A soft hyphen at a line end marks a syllable break, so the two halves are joined.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_HYPHEN_BREAK.sub("", text).replace("\u00ad", "")
    text = text.translate(_LIGATURES)
    text = _ODD_SPACES.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _FONT_BULLET.sub("•", text)
    text = _CONTROL.sub("", text)
    text = _SPACING_DIAERESIS.sub(lambda m: (m.group(1) or m.group(2)) + "\u0308", text)
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Single spaces inside lines, no spaces at line ends, at most one blank line in a row."""
    lines = [_MULTI_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_text(text: str, vocabulary: Vocabulary | None = None) -> str:
    """Full repair of extracted text: characters, paragraphs re-flowed, split words joined."""
    text = normalize_characters(text)
    if vocabulary is None:
        vocabulary = build_vocabulary([text])
    return repair_split_words(reflow(text, vocabulary), vocabulary)


@lru_cache(maxsize=300_000)
def word_zipf(word: str) -> float:
    """Zipf frequency of `word` in German (0 = unknown); cached, as texts repeat words."""
    return zipf_frequency(word, "de")


def build_vocabulary(texts: Iterable[str]) -> Counter[str]:
    """Lower-cased words of a document, hyphenated compounds also as a whole.

    Words seen intact in the document confirm repairs of their broken occurrences
    and cover domain words that a general word list lacks ("Sozialraumorientierung").
    """
    counts: Counter[str] = Counter()
    for text in texts:
        for match in _VOCAB_TOKEN.finditer(text):
            token = match.group(0).lower()
            counts[token] += 1
            if "-" in token:
                counts.update(token.split("-"))
    return counts


def is_known_word(word: str, vocabulary: Vocabulary | None = None) -> bool:
    """True if `word` is in the German word list or was seen in the document."""
    if vocabulary and word.lower() in vocabulary:
        return True
    return word_zipf(word) >= _KNOWN_ZIPF


def join_lines(lines: Iterable[str], vocabulary: Vocabulary | None = None) -> str:
    """Join the lines of one paragraph, undoing hyphenation at line ends."""
    text = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        text = _join_two(text, line, vocabulary) if text else line
    return text


def dehyphenate(text: str, vocabulary: Vocabulary | None = None) -> str:
    """Undo hyphenation at line ends in `text`; the line break itself is kept elsewhere.

    "Sozial-\\nplanung" -> "Sozialplanung", "Kinder-\\nund Jugendhilfe" -> "Kinder- und
    Jugendhilfe", "Kinder-\\nJugendhilfe" -> "Kinder-Jugendhilfe", "2-\\njährig" -> "2-jährig".
    """
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        if out and _ends_with_break_hyphen(out[-1]) and line.strip():
            out[-1] = _join_two(out[-1].rstrip(), line.strip(), vocabulary)
        else:
            out.append(line)
    return "\n".join(out)


def reflow(text: str, vocabulary: Vocabulary | None = None) -> str:
    """Join the lines of each paragraph; blank lines stay paragraph breaks."""
    paragraphs = re.split(r"\n[ \t]*\n", text)
    joined = (join_lines(p.split("\n"), vocabulary) for p in paragraphs)
    return collapse_spaces("\n\n".join(p for p in joined if p))


def _ends_with_break_hyphen(line: str) -> bool:
    stripped = line.rstrip()
    return len(stripped) >= 2 and stripped.endswith("-") and stripped[-2].isalnum()


def _join_two(left: str, right: str, vocabulary: Vocabulary | None) -> str:
    if not _ends_with_break_hyphen(left):
        return f"{left} {right}"
    stem_match = re.search(r"([^\W\d_]*)-$", left)
    stem = stem_match.group(1) if stem_match else ""
    return left[:-1] + _hyphen_glue(stem, right, vocabulary) + right


def _hyphen_glue(stem: str, right: str, vocabulary: Vocabulary | None) -> str:
    """What replaces a line-end hyphen: "" (syllable break), "-" (real hyphen) or "- "."""
    first = _LEADING_WORD.match(right)
    if first is None:
        return "-"  # "2-\n4 Treffen", "Kinder-\n(…)": nothing to join into a word
    word = first.group(0)
    if word.lower() in _ELLIPSIS_WORDS:
        return "- "
    if not stem or not word[0].islower():
        # "SGB-\nII", "Kinder-\nJugendhilfe", "2-\njährig": a capital or a digit after the
        # hyphen means a written compound, not a syllable break.
        return "-"
    if is_known_word(stem + word, vocabulary):
        return ""
    if vocabulary and f"{stem}-{word}".lower() in vocabulary:
        return "-"
    return ""  # a lower-case continuation is a syllable break far more often than not


def repair_split_words(text: str, vocabulary: Vocabulary | None = None) -> str:
    """Join words that PDF extraction split with a space: "Arb eitsmarkt" -> "Arbeitsmarkt".

    Adjacent letter tokens (one space between, later pieces lower-case) are joined when at
    least one piece is a fragment and the joined form is a known German word or was seen
    intact in the document. A fragment is a piece implausible on its own: a single letter, a
    short piece that is no German short word, or a rare longer piece that the document does
    not use more often than the joined form. `vocabulary` (from `build_vocabulary`) holds the
    document's words, compared lower-case. Real word pairs ("in der", "Die Stadt", "SGB II")
    are never joined: both pieces are words, or the second is capitalised.
    """
    parts = _LETTER_RUN.split(text)  # even indices: separators, odd indices: letter runs
    index = 1
    while index + 2 < len(parts):
        span = _join_span(parts, index, vocabulary)
        if span:
            end = index + 2 * span - 1
            parts[index:end] = ["".join(parts[index:end:2])]
            continue  # the joined word may be the first piece of another split
        index += 2
    return "".join(parts)


def _join_span(parts: list[str], index: int, vocabulary: Vocabulary | None) -> int:
    """How many words starting at parts[index] form one split word (0 = none)."""
    if not _free_standing_start(parts[index - 1]):
        return 0
    for span in (3, 2):
        end = index + 2 * span - 1
        if end >= len(parts) or not _free_standing_end(parts[end]):
            continue
        words = parts[index:end:2]
        gaps = parts[index + 1 : end : 2]
        if any(gap != " " for gap in gaps) or not all(w[0].islower() for w in words[1:]):
            continue
        if len(words[-1]) == 1 and parts[end].startswith("."):
            continue  # "s. u.", "z. B.": an abbreviation, not the end of a word
        if _should_join(words, vocabulary):
            return span
    return 0


def _free_standing_start(before: str) -> bool:
    # Pieces glued to code or numbers ("%s ist", "3a") are not prose words.
    return not before or before[-1].isspace() or before[-1] in _WORD_OPENERS


def _free_standing_end(after: str) -> bool:
    return not after or not (after[0].isdigit() or after[0] in _CODE_CHARS)


def _should_join(words: list[str], vocabulary: Vocabulary | None) -> bool:
    joined = "".join(words)
    joined_count = _count(joined, vocabulary)
    fragments = [_is_fragment(w, vocabulary, joined_count) for w in words]
    if not any(fragments):
        return False
    # A lone letter before real words is a label or variable ("Gruppe B ist", "-c oder"),
    # and a lone letter after a short word rarely belongs to it ("mit m").
    if len(words[0]) == 1 and not all(fragments[1:]):
        return False
    if len(words[-1]) == 1 and len(joined) < _MIN_LETTER_JOIN:
        return False
    if joined_count:
        return True
    # Short rare strings ("sist", "dela") are noise in the word list, not words.
    needed = _KNOWN_ZIPF if len(joined) >= _LONG_WORD else _FRAGMENT_ZIPF
    return word_zipf(joined) >= needed


def _is_fragment(word: str, vocabulary: Vocabulary | None, joined_count: int) -> bool:
    """True if `word` is implausible as a word of its own, i.e. probably part of a split word."""
    if len(word) == 1:
        return True
    if len(word) <= 3:
        return not _is_short_word(word)
    if word_zipf(word) >= _FRAGMENT_ZIPF:
        return False
    # A rare word the document uses more often than the joined form is a real word of it
    # ("Nordviertel", "initialisiert"); a fragment rarely recurs.
    return vocabulary is None or _count(word, vocabulary) <= max(1, joined_count)


@lru_cache(maxsize=10_000)
def _is_short_word(word: str) -> bool:
    if word.lower() in _SHORT_WORDS:
        return True
    # Capitalised short nouns not in the list ("Amt", "Bad") count when frequent.
    return word[0].isupper() and word[1:].islower() and word_zipf(word) >= 4.0


def _count(word: str, vocabulary: Vocabulary | None) -> int:
    if not vocabulary:
        return 0
    key = word.lower()
    if isinstance(vocabulary, Counter):
        return vocabulary.get(key, 0)
    return 1 if key in vocabulary else 0


def is_page_number_line(line: str) -> bool:
    """True for "3", "- 3 -", "Seite 3", "Seite 3 von 30", "3 / 30"."""
    return bool(_PAGE_NUMBER.match(line.strip()))


def running_line_indices(
    pages: Sequence[Sequence[str]], styles: Sequence[Sequence[Hashable]] | None = None
) -> list[set[int]]:
    """Per page, the indices of lines that are running headers/footers or page numbers.

    A line counts as running when, with digits ignored, it appears among the first or last
    few non-empty lines of at least half the pages (three pages at least). Page numbers are
    only dropped there too, so numbers inside tables survive. `styles`, parallel to `pages`,
    may add what the line looks like (font size, position) to the comparison; a style of
    None protects a line (a large heading is never a running header).
    """
    zones = [_zone_indices(lines) for lines in pages]
    keys: list[dict[int, tuple[str, Hashable]]] = []
    for number, (lines, zone) in enumerate(zip(pages, zones, strict=True)):
        style_of = styles[number] if styles is not None else None
        keys.append(
            {
                i: (_running_key(lines[i]), style_of[i] if style_of is not None else "")
                for i in zone
                if style_of is None or style_of[i] is not None
            }
        )
    repeated = _repeated_keys(keys, len(pages))
    result: list[set[int]] = []
    for lines, page_keys in zip(pages, keys, strict=True):
        drop = {i for i, key in page_keys.items() if key in repeated}
        drop |= {i for i in page_keys if is_page_number_line(lines[i])}
        result.append(drop)
    return result


def _repeated_keys(
    keys: list[dict[int, tuple[str, Hashable]]], page_count: int
) -> set[tuple[str, Hashable]]:
    if page_count < 3:
        return set()
    page_counts: Counter[tuple[str, Hashable]] = Counter()
    for page_keys in keys:
        page_counts.update(set(page_keys.values()))
    threshold = max(2, math.ceil(page_count * 0.5))
    return {key for key, count in page_counts.items() if count >= threshold and key[0]}


def remove_running_lines(pages: Sequence[Sequence[str]]) -> list[list[str]]:
    """Pages without their running headers, footers and page numbers."""
    drops = running_line_indices(pages)
    return [
        [line for i, line in enumerate(lines) if i not in drop]
        for lines, drop in zip(pages, drops, strict=True)
    ]


def _zone_indices(lines: Sequence[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) <= 2 * _RUNNING_ZONE:
        return filled
    return filled[:_RUNNING_ZONE] + filled[-_RUNNING_ZONE:]


def _running_key(line: str) -> str:
    return _MULTI_SPACE.sub(" ", _DIGITS.sub("#", line.strip().lower()))


def ends_sentence(text: str) -> bool:
    """True if `text` ends like a finished sentence or a lead-in ("…:")."""
    return text.rstrip().endswith(_SENTENCE_END)
