"""Reading a survey answer: real-world variants of ratings, comments, and messages that are no answer."""

from __future__ import annotations

import pytest

from niochat.domain.csat import DEFAULT_SURVEY, Rating, parse_rating, survey_text, unknown_placeholders

ANSWERS = [
    ("😡", 1, ""),
    ("😕", 2, ""),
    ("😐", 3, ""),
    ("🙂", 4, ""),
    ("🤩", 5, ""),
    ("🙂\ufe0f", 4, ""),  # with a variation selector
    ("😐\ufe0e", 3, ""),
    ("🤩🤩🤩", 5, ""),
    ("🙂🏽", 4, ""),  # a skin tone modifier
    ("  🙂  ", 4, ""),
    ("🤩 adorei o atendimento", 5, "adorei o atendimento"),
    ("😡 ninguém resolveu nada", 1, "ninguém resolveu nada"),
    ("5", 5, ""),
    ("1", 1, ""),
    ("3", 3, ""),
    ("5 estrelas", 5, ""),
    ("4 estrela", 4, ""),
    ("4⭐", 4, ""),
    ("5⭐⭐⭐⭐⭐", 5, ""),
    ("5!", 5, ""),
    ("5 - muito bom", 5, "muito bom"),
    ("2, demorou muito", 2, "demorou muito"),
    ("nota 4", 4, ""),
    ("Nota: 5", 5, ""),
    ("Ótimo!", 5, ""),
    ("ótimo", 5, ""),
    ("OTIMO", 5, ""),
    ("otimo atendimento", 5, "atendimento"),
    ("Excelente", 5, ""),
    ("excelente atendimento", 5, "atendimento"),
    ("EXCELENTE!!!", 5, ""),
    ("Bom", 4, ""),
    ("bom.", 4, ""),
    ("Bom, mas demorou", 4, "mas demorou"),
    ("bom demais", 4, "demais"),
    ("Regular", 3, ""),
    ("regular, podia ser melhor", 3, "podia ser melhor"),
    ("Ruim", 2, ""),
    ("ruim!", 2, ""),
    ("Péssimo", 1, ""),
    ("pessimo", 1, ""),
    ("PÉSSIMO atendimento", 1, "atendimento"),
]

NOT_ANSWERS = [
    "bom dia",
    "Bom dia!",
    "bom diaaa",
    "Bom tarde",
    "bom noite pessoal",
    "boa tarde",
    "minha internet caiu",
    "Minha internet caiu de novo",
    "não",
    "Não gostei",
    "",
    "   ",
    None,
    "10",
    "3.5",
    "1234",
    "0",
    "6",
    "12345678900",  # a CPF-like number
    "bomba",
    "regularizar meu boleto",
    "ok",
    "obrigado",
    "👍",
    "❤️",
    "quero falar com um atendente",
    "5" + " x" * 400,  # a long message is a message of its own
]


@pytest.mark.parametrize(("text", "value", "comment"), ANSWERS)
def test_an_answer_is_read_with_its_comment(text: str, value: int, comment: str) -> None:
    assert parse_rating(text) == Rating(value, comment)


@pytest.mark.parametrize("text", NOT_ANSWERS)
def test_anything_else_is_a_normal_message(text: str | None) -> None:
    assert parse_rating(text) is None


def test_there_are_at_least_forty_real_world_variants() -> None:
    assert len(ANSWERS) + len(NOT_ANSWERS) >= 40


def test_a_rating_shows_its_emoji_and_label() -> None:
    rating = parse_rating("4")
    assert rating is not None and (rating.emoji, rating.label) == ("🙂", "Bom")


def test_the_survey_fills_the_first_name_and_the_provedor_and_names_unknown_placeholders() -> None:
    text = survey_text(DEFAULT_SURVEY, "Maria da Silva", "Fibra Net")
    assert text.startswith("Olá Maria! Gostaríamos de saber como foi seu atendimento na Fibra Net.")
    assert survey_text("Oi {nome}", None, "X") == "Oi cliente"
    assert unknown_placeholders("Oi {nome} {cliente} {provedor} {}") == ["", "cliente"]
