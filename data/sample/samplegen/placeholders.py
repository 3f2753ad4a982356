"""Placeholders such as ``{{v:sgb2_quote:03:2023}}`` in the Markdown sources."""

from __future__ import annotations

import re

from .figures import (
    CITY_CODE,
    IND,
    Figures,
    IndexResult,
    KitaPlan,
    de_number,
    de_signed,
)

PLACEHOLDER = re.compile(r"\{\{([^{}]+)\}\}")


class Resolver:
    """Resolves ``{{...}}`` placeholders against the figures.

    Forms (code ``00`` = whole city):
      v:key:code:year        value with unit        n:key:code:year     bare value
      d:key:code:y1:y2       signed change (pp)     dabs:key:code:y1:y2 absolute change
      pct:key:code:y1:y2     relative change in %   c:key:code:year     numerator count
      top:key:year:i         name of i-th highest   bottom:key:year:i   name of i-th lowest
      name:code  loc:code    names                  idx:code / cls:code / dyn:code  index
      rank:key:code:year     rank (1 = highest)     ratio:key:code:year factor vs city
      kita:column:code       value from kita.csv (derived: quote_u3, quote_ue3)
    """

    def __init__(self, figs: Figures, index: dict[str, IndexResult], kita: KitaPlan) -> None:
        self.figs = figs
        self.index = index
        self.kita = kita

    def __call__(self, text: str) -> str:
        return PLACEHOLDER.sub(lambda m: self.resolve(m.group(1).strip()), text)

    def resolve(self, expr: str) -> str:
        """Resolve one placeholder expression (without braces)."""
        figs = self.figs
        op, *args = expr.split(":")
        if op in ("v", "n"):
            key, code, year = args
            return figs.fmt(key, code, int(year), unit=op == "v")
        if op in ("d", "dabs"):
            key, code, y1, y2 = args
            diff = figs.value(key, code, int(y2)) - figs.value(key, code, int(y1))
            if op == "dabs":
                return de_number(abs(diff), IND[key].decimals)
            return de_signed(diff, IND[key].decimals)
        if op == "pct":
            key, code, y1, y2 = args
            old = figs.value(key, code, int(y1))
            return de_signed(100 * (figs.value(key, code, int(y2)) - old) / old, 1)
        if op == "c":
            key, code, year = args
            return de_number(figs.count(key, code, int(year)), 0)
        if op in ("top", "bottom"):
            key, year, pos = args
            ranked = figs.ranked(key, int(year))
            ranked = [c for c in ranked if not figs.suppressed(key, c, int(year))]
            if op == "bottom":
                ranked.reverse()
            return figs.name(ranked[int(pos) - 1])
        if op == "rank":
            key, code, year = args
            return str(figs.ranked(key, int(year)).index(code) + 1)
        if op == "ratio":
            key, code, year = args
            ratio = figs.value(key, code, int(year)) / figs.value(key, CITY_CODE, int(year))
            return de_number(ratio, 1)
        if op == "name":
            return figs.name(args[0])
        if op == "loc":
            return figs.area_by_code[args[0]].loc
        if op in ("idx", "didx"):
            res = self.index[args[0]]
            return de_signed(res.status if op == "idx" else res.dynamics, 2)
        if op == "cls":
            return self.index[args[0]].status_class
        if op == "dyn":
            return self.index[args[0]].dynamics_class
        if op == "kita":
            column, code = args
            return self.kita.fmt(column, code)
        raise ValueError(f"unknown placeholder {{{{{expr}}}}}")
