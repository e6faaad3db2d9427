"""What every area's views share: an item shown as the fields its view (a TypedDict) declares.

A view that only copies most of an item's fields says so with `fields_of(View, item, <the computed ones>)`;
the TypedDict is the one list of the fields, in the order the API shows them (infra/contract mirrors it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

V = TypeVar("V")


def fields_of(view: type[V], item: Mapping[str, Any], **computed: Any) -> V:
    """The fields `view` declares, in its order: the value `computed` gives a field, else the item's own (None
    where the item has none)."""
    assert computed.keys() <= view.__annotations__.keys(), f"{view.__name__} has no {computed.keys()}"
    return cast(V, {name: computed[name] if name in computed else item.get(name) for name in view.__annotations__})
