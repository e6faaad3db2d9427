"""Brazilian taxpayer numbers (pure): CPF (people, 11 digits) and CNPJ (companies, 14 digits), checked by their
two check digits. A number that fails its check digits never reaches SGP."""

from __future__ import annotations

import re
from typing import NamedTuple

_SEPARATORS = re.compile(r"[\s.\-/]")


class Document(NamedTuple):
    kind: str  # "cpf" | "cnpj"
    digits: str

    @property
    def formatted(self) -> str:
        """`123.456.789-09` or `12.345.678/0001-95`, as SGP and the customer write them."""
        d = self.digits
        if self.kind == "cpf":
            return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"
        return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"


def _check_digit(digits: str, weights: list[int]) -> str:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "0" if remainder < 2 else str(11 - remainder)


def _valid_cpf(d: str) -> bool:
    first = _check_digit(d[:9], list(range(10, 1, -1)))
    second = _check_digit(d[:10], list(range(11, 1, -1)))
    return d[9:] == first + second


def _valid_cnpj(d: str) -> bool:
    weights = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    first = _check_digit(d[:12], weights)
    second = _check_digit(d[:13], [6, *weights])
    return d[12:] == first + second


def parse(raw: str) -> Document | None:
    """The CPF or CNPJ written in `raw` (dots, dashes, slashes and spaces allowed), or None when it is not
    one: wrong length, any other character, all digits equal, or wrong check digits."""
    digits = _SEPARATORS.sub("", raw or "")
    if not digits.isascii() or not digits.isdigit() or len(set(digits)) == 1:
        return None
    if len(digits) == 11 and _valid_cpf(digits):
        return Document("cpf", digits)
    if len(digits) == 14 and _valid_cnpj(digits):
        return Document("cnpj", digits)
    return None
