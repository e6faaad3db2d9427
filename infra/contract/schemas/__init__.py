"""The API's response shapes as pydantic models, for the OpenAPI document, one module per area.

Each model mirrors one view of the code (the TypedDicts of `niochat.<area>.views`, or the dicts a report or
statistics function returns); a unit test compares the models of views with the views' field lists, and the
fuzz run (tests/e2e/test_contract.py) checks every response it gets against them. `extra="forbid"`: a field a
view adds without its model here fails that check.
"""
