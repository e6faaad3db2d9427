"""niochat.domain.recovery: which customer message makes a lead."""

from __future__ import annotations

import pytest

from niochat.domain.recovery import DEFAULT_KEYWORDS, keyword_in


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("Quero saber do Plano", "plano"),
        ("PLANOS?", "plano"),
        ("Plano: qual o valor", "plano"),
        ("(plano) de 300 mega", "plano"),
        ("o plano-300 tem fidelidade?", "plano"),
        ("qual o preco?", "preço"),
        ("Qual o PREÇO", "preço"),
        ("preços...", "preço"),
        ("internet/fibra na zona rural", "internet"),
        ("quero contratar;", "contratar"),
        ("tem velocidades maiores?", "velocidade"),
    ],
)
def test_a_keyword_is_found_whatever_its_accents_case_punctuation_or_plural(text, keyword):
    assert keyword_in(text, DEFAULT_KEYWORDS) == keyword


@pytest.mark.parametrize("text", ["bom dia, tudo bem?", "planejamento da visita", "internacional", "precisa?", ""])
def test_a_word_that_only_starts_like_a_keyword_is_not_one(text):
    assert keyword_in(text, DEFAULT_KEYWORDS) is None


def test_a_keyword_of_several_words_matches_them_in_a_row():
    keywords = ("fibra óptica",)
    assert keyword_in("Vocês têm FIBRA-OPTICA aqui?", keywords) == "fibra óptica"
    assert keyword_in("tem fibras ópticas?", keywords) is None  # only the last word's plural
    assert keyword_in("fibra, óptica?", keywords) == "fibra óptica"  # punctuation between is ignored
    assert keyword_in("fibra e a óptica", keywords) is None
    assert keyword_in("óptica fibra", keywords) is None
