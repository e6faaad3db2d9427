"""Requests a client can easily send that used to answer 500, and what the fuzzing of the OpenAPI contract
(tests/e2e/test_contract_fuzz.py) found: each answers the documented 4xx (or works) now."""

from __future__ import annotations

import pytest

from tests.integration.conftest import login


@pytest.fixture
def admin(api, tenant):
    return login(api, "admin_a", "senha-forte-1")


def contact(api, token, name, phone, **extra):
    response = api.post("/api/contacts/", {"name": name, "phone": phone, **extra}, token=token)
    assert response.status == 201, response.json
    return response.json


def search(api, token, query):
    return api.get("/api/contacts/", token=token, query={"search": query})


# -- search: any script, folded like the index folds names ------------------------------------------------
@pytest.mark.parametrize(("name", "query"), [("Hans Straße", "straß"), ("Hans Straße", "STRASSE"),
                                             ("Иван Петров", "Иван"), ("Иван Петров", "иван пет"),
                                             ("Yılmaz İnan", "inan"), ("Café ﬁlho", "filho")])  # fmt: skip
def test_a_search_in_any_script_finds_the_name(api, admin, name, query):
    created = contact(api, admin, name, "11999990000")
    contact(api, admin, "João Silva", "11999990001")
    response = search(api, admin, query)
    assert response.status == 200, response.json
    assert [c["id"] for c in response.json["results"]] == [created["id"]]


@pytest.mark.parametrize("query", ["ß", "Иван", "日本"])
def test_a_search_with_no_match_in_another_script_is_an_empty_page(api, admin, query):
    contact(api, admin, "João Silva", "11999990001")
    response = search(api, admin, query)
    assert response.status == 200, response.json
    assert response.json == {"count": 0, "next": None, "previous": None, "results": []}


def test_conversation_search_folds_like_contact_search(api, admin):
    response = api.get("/api/conversations/", token=admin, query={"search": "Иван"})
    assert response.status == 200 and response.json["results"] == []


def test_a_search_of_only_marks_is_a_400_not_a_500(api, admin):
    response = search(api, admin, "\u0301\u0301")  # combining accents: letters to nobody
    assert response.status == 400 and response.json["details"]["field"] == "search"


# -- JSON bodies the table cannot hold --------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "A", "phone": "11999999999", "additional_attributes": {"x": NaN}}',
        '{"name": "A", "phone": "11999999999", "additional_attributes": {"x": Infinity}}',
        '{"name": "A", "phone": "11999999999", "additional_attributes": {"x": -Infinity}}',
        '{"name": "A", "phone": "11999999999", "additional_attributes": {"x": 1e400}}',
        '{"name": "A", "phone": "11999999999", "additional_attributes": {"x": 1e-300}}',
        '{"name": "A", "phone": "11999999999", "additional_attributes": {"x": 1' + "0" * 40 + "}}",
        '{"name": "A", "phone": "11999999999", "additional_attributes": {"x": "\\ud800"}}',
        '{"name": "A", "phone": "11999999999", "additional_attributes": ' + '{"a": ' * 30 + "1" + "}" * 31,
        '{"name": "A", "phone": "11999999999", "additional_attributes": ' + "[" * 100_000 + "]" * 100_000 + "}",
    ],
    ids=["nan", "infinity", "-infinity", "overflow", "underflow", "41-digits", "lone-surrogate", "depth-32", "deep"],
)
def test_json_the_table_cannot_hold_is_a_400_and_writes_nothing(api, admin, raw):
    response = api.post("/api/contacts/", token=admin, raw_body=raw, headers={"Content-Type": "application/json"})
    assert response.status == 400, response.raw["body"][:300]
    assert response.json["error"] == "ValidationError" and response.json["details"]["field"] == "body"
    assert api.get("/api/contacts/", token=admin).json["count"] == 0


def test_numbers_the_table_can_hold_are_kept(api, admin):
    attributes = {"small": 1e-100, "big": 1.5e15, "fraction": 1234.5678, "int38": int("9" * 38), "zero": 0.0}
    created = contact(api, admin, "A", "11999999999", additional_attributes=attributes)
    assert api.get(f"/api/contacts/{created['id']}/", token=admin).json["additional_attributes"] == attributes


# -- ids in paths: ASCII digits only ----------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["%C2%B2", "²", "١", "１", "1²", "0x1", "-1", "1.0", " 1"])
def test_an_id_that_is_not_ascii_digits_is_the_resources_404(api, admin, raw):
    response = api.get(f"/api/contacts/{raw}/", token=admin)
    assert response.status == 404 and response.json["message"] == "Contato não encontrado"


@pytest.mark.parametrize("assignee", ["²", "١٢"])
def test_a_non_ascii_assignee_filter_is_a_400(api, admin, assignee):
    response = api.get("/api/conversations/", token=admin, query={"assignee": assignee})
    assert response.status == 400 and response.json["details"]["field"] == "assignee"
