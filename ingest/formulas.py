"""Formula cells that a spreadsheet saved without their values.

Excel stores a formula's last result beside it; files written by scripts or some exports
store the formula only, and a reader then sees an empty cell — the „Summe“ row of a
table silently blank. Simple formulas (SUM, AVERAGE, MIN, MAX, COUNT over ranges of the
same sheet, and + − × ÷ of cells and numbers) are computed here from the stored values;
any other formula stays empty, is shown as „(Formel ohne Wert)“ and named in a German
warning, so no figure is lost without a word.
"""

from __future__ import annotations

import ast
import operator
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

# What a cell shows when its formula has no stored value and cannot be computed safely.
NO_VALUE = "(Formel ohne Wert)"
_PASSES = 5  # formulas built on formulas: computed in up to this many rounds
_EXAMPLES = 3
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")

Key = tuple[str, int, int]  # sheet title, row, column
StoredValue = Callable[[Key], object]  # the value a cell was saved with, None when empty


def _flatten(args: Iterable[object]) -> list[float]:
    values: list[float] = []
    for arg in args:
        values += _flatten(arg) if isinstance(arg, list) else [float(arg)]  # type: ignore[arg-type]
    return values


_FUNCTIONS: dict[str, Callable[..., float]] = {
    "SUM": lambda *a: sum(_flatten(a)),
    "AVERAGE": lambda *a: sum(v := _flatten(a)) / len(v),
    "MIN": lambda *a: min(_flatten(a)),
    "MAX": lambda *a: max(_flatten(a)),
    "COUNT": lambda *a: float(len(_flatten(a))),
}
_OPERATORS = {"+": "+", "-": "-", "*": "*", "/": "/", "^": "**"}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}  # fmt: skip


@dataclass(slots=True)
class FormulaFill:
    """Values computed for formula cells without a stored value, and those left empty."""

    computed: dict[Key, float] = field(default_factory=dict)
    unresolved: dict[Key, str] = field(default_factory=dict)  # key -> the formula

    def warnings(self, name: str) -> list[str]:
        """German notes naming the file, how many cells were computed and which stay empty."""
        notes = []
        if self.computed:
            notes.append(
                f"„{name}“: {_cells(len(self.computed))} ohne gespeicherten Wert "
                f"{'wurde' if len(self.computed) == 1 else 'wurden'} aus den Werten der "
                "Tabelle berechnet."
            )
        if self.unresolved:
            examples = ", ".join(
                f"{sheet}!{get_column_letter(column)}{row} „{formula}“"
                for (sheet, row, column), formula in list(self.unresolved.items())[:_EXAMPLES]
            )
            one = len(self.unresolved) == 1
            notes.append(
                f"„{name}“: {_cells(len(self.unresolved))} {'hat' if one else 'haben'} keinen "
                f"gespeicherten Wert und {'bleibt' if one else 'bleiben'} leer (z. B. "
                f"{examples}). Bitte die Datei in Excel oder LibreOffice öffnen und speichern, "
                "damit die Werte berechnet werden."
            )
        return notes

    def display(self, key: Key) -> float | str | None:
        """The computed value, `NO_VALUE` for a formula left empty, else None."""
        if key in self.computed:
            return self.computed[key]
        return NO_VALUE if key in self.unresolved else None


def has_formulas(path: Path) -> bool:
    """Whether any worksheet of an .xlsx package holds a formula (cheap: no parsing)."""
    try:
        with zipfile.ZipFile(path) as package:
            for member in package.namelist():
                if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                    with package.open(member) as sheet:
                        if any(b"<f" in chunk for chunk in iter(lambda: sheet.read(1 << 20), b"")):
                            return True
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def fill_formulas(path: Path, stored: StoredValue) -> FormulaFill:
    """For the formula cells of `path` whose value `stored` (the value Excel saved, None
    when empty) lacks: the value where the formula is simple, else the formula named as
    unresolved. Streams the sheets; only the formulas without a value are kept."""
    fill = FormulaFill()
    if not has_formulas(path):
        return fill
    formulas: dict[Key, str] = {}
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # a wrong declared size would cut rows off
            for row in sheet.iter_rows():
                for cell in row:
                    text = getattr(cell, "value", None)
                    if not (isinstance(text, str) and text.startswith("=")):
                        continue  # also the gaps, which have no position
                    if cell.row is None or cell.column is None:
                        continue  # only for the stubs: read cells have their position
                    key = (sheet.title, cell.row, cell.column)
                    if stored(key) is None:
                        formulas[key] = text
    finally:
        workbook.close()
    evaluation = _Evaluation(stored, fill.computed, formulas)
    for _ in range(_PASSES):
        progress = False
        for key, formula in list(formulas.items()):
            value = evaluation.value(formula, key[0])
            if value is not None:
                fill.computed[key] = value
                del formulas[key]
                progress = True
        if not progress:
            break
    fill.unresolved = formulas
    return fill


@dataclass(frozen=True, slots=True)
class _Evaluation:
    """Simple formulas of one workbook, evaluated from its stored values, the values
    computed so far, and the formulas still `pending` (not usable as inputs yet)."""

    stored: StoredValue
    computed: dict[Key, float]
    pending: Mapping[Key, str]

    def value(self, formula: str, sheet: str) -> float | None:
        """The value of a simple formula, or None when it is not simple or lacks inputs."""
        try:
            tokens = Tokenizer(formula).items
        except Exception:  # openpyxl raises bare exceptions for malformed formulas
            return None
        pieces: list[str] = []
        for token in tokens:
            piece = self._piece(token, sheet)
            if piece is None:
                return None
            pieces.append(piece)
        try:
            tree = ast.parse("".join(pieces), mode="eval")
            value = _compute(tree.body)
            return None if isinstance(value, list) else float(value)  # a list is no cell value
        except (SyntaxError, ValueError, TypeError, ZeroDivisionError, KeyError, OverflowError):
            return None

    def _piece(self, token: Token, sheet: str) -> str | None:
        kind, value = token.type, token.value
        if kind == Token.FUNC:
            if token.subtype == Token.OPEN:
                name = value[:-1].upper()
                return f"{name}(" if name in _FUNCTIONS else None
            return ")"
        if kind == Token.OPERAND and token.subtype == Token.NUMBER:
            return value
        if kind == Token.OPERAND and token.subtype == Token.RANGE:
            return self._range_values(value, sheet)
        if kind in (Token.OP_IN, Token.OP_PRE):
            return _OPERATORS.get(value)
        if kind == Token.PAREN:
            return value
        if kind == Token.SEP and value == ",":
            return ","
        if kind == Token.WSPACE:
            return " "
        return None

    def _range_values(self, reference: str, sheet: str) -> str | None:
        """A cell as its number (empty: 0), a range as a list of its numbers (empty cells
        skipped, as SUM does); None for text, a formula not yet computed, or another sheet."""
        if "!" in reference:
            return None
        single = _CELL.match(reference)
        if single:
            cells = [(int(single.group(2)), column_index_from_string(single.group(1)))]
        else:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(reference)
            except (ValueError, TypeError):
                return None
            if None in (min_col, min_row, max_col, max_row):
                return None  # whole columns or rows
            cells = [
                (row, column)
                for row in range(min_row, max_row + 1)  # type: ignore[arg-type, operator]
                for column in range(min_col, max_col + 1)  # type: ignore[arg-type, operator]
            ]
        numbers: list[float] = []
        for row, column in cells:
            usable, number = self._number((sheet, row, column))
            if not usable:
                return None
            if number is not None:
                numbers.append(number)
        if single:
            return repr(numbers[0] if numbers else 0.0)
        return f"[{', '.join(map(repr, numbers))}]"

    def _number(self, key: Key) -> tuple[bool, float | None]:
        """(usable, number) of a cell: stored or computed number; (True, None) when empty;
        (False, None) for text or a formula not yet computed."""
        if key in self.computed:
            return True, self.computed[key]
        if key in self.pending:
            return False, None
        value = self.stored(key)
        if value is None:
            return True, None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False, None
        return True, float(value)


def _compute(node: ast.expr) -> float | list[float]:
    """Arithmetic, lists and the allowed functions only: nothing else is evaluated."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.List):
        return [float(_compute(e)) for e in node.elts]  # type: ignore[arg-type]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _compute(node.operand)
        return -value if isinstance(node.op, ast.USub) else value  # type: ignore[operator]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_compute(node.left), _compute(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        return _FUNCTIONS[node.func.id](*(_compute(a) for a in node.args))
    raise ValueError("nicht unterstützt")


def _cells(count: int) -> str:
    return "1 Formelzelle" if count == 1 else f"{count} Formelzellen"
