"""What every area's views share: an item shown as the fields its view (a TypedDict) declares.

A view that only copies most of an item's fields says so with `fields_of(View, item, <the computed ones>)`;
the TypedDict is the one list of the fields, in the order the API shows them (infra/contract mirrors it).
A provedor's settings document is shown with `settings_of`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

V = TypeVar("V")


def fields_of(view: type[V], item: Mapping[str, Any], **computed: Any) -> V:
    """The fields `view` declares, in its order: the value `computed` gives a field, else the item's own (None
    where the item has none)."""
    assert computed.keys() <= view.__annotations__.keys(), f"{view.__name__} has no {computed.keys()}"
    return cast(V, {name: computed[name] if name in computed else item.get(name) for name in view.__annotations__})


def settings_of(
    view: type[V], provedor_id: int, stored: Mapping[str, Any] | None, current: Mapping[str, Any], **computed: Any
) -> V:
    """A provedor's settings document as the API shows it: the fields `view` declares, from the settings in force
    (`current`: the stored item read with its defaults) unless `computed` gives them, with the provedor and
    when the stored item last changed (None: never stored)."""
    changed = (stored or {}).get("updated_at")
    return fields_of(view, current, provedor=provedor_id, updated_at=changed, **computed)
