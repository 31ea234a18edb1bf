"""The three 287(g) models and what each authorizes and forbids (packaged in data/models.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from wso.program._data import data_yaml
from wso.program.errors import UnknownValue


class Model(StrEnum):
    TFM = "TFM"
    JEM = "JEM"
    WSO = "WSO"


@dataclass(frozen=True)
class ModelSpec:
    """One model: where its officers act, what they may and may not do, their training, and the sources."""

    model: Model
    name: str
    aliases: tuple[str, ...]
    where: str
    authorizes: tuple[str, ...]
    forbids: tuple[str, ...]
    training: str
    sources: tuple[str, ...]
    # the same in Spanish, for the public pages (data/models.yaml: `es`, item for item)
    where_es: str = ""
    authorizes_es: tuple[str, ...] = ()
    forbids_es: tuple[str, ...] = ()
    training_es: str = ""


@cache
def model_specs() -> tuple[ModelSpec, ...]:
    return tuple(
        ModelSpec(
            model=Model(item["code"]),
            name=item["name"],
            aliases=tuple(item.get("aliases", ())),
            where=item["where"],
            authorizes=tuple(item["authorizes"]),
            forbids=tuple(item.get("forbids") or ()),
            training=item["training"],
            sources=tuple(item["sources"]),
            **_spanish(item),
        )
        for item in data_yaml("models.yaml")
    )


def _spanish(item: dict[str, Any]) -> dict[str, Any]:
    """A model's Spanish texts; models.yaml must give each, list for list (its error names the model)."""
    es = item.get("es") or {}
    found = {
        "where_es": es.get("where") or "",
        "authorizes_es": tuple(es.get("authorizes") or ()),
        "forbids_es": tuple(es.get("forbids") or ()),
        "training_es": es.get("training") or "",
    }
    english = (item["authorizes"], item.get("forbids") or ())
    if (
        not found["where_es"]
        or not found["training_es"]
        or (len(found["authorizes_es"]), len(found["forbids_es"])) != tuple(len(x) for x in english)
    ):
        raise ValueError(
            f"models.yaml: model {item['code']}: `es` must give where, training, and as many authorizes and "
            "forbids as the English"
        )
    return found


def model_spec(model: Model | str) -> ModelSpec:
    wanted = parse_model(model)
    return next(spec for spec in model_specs() if spec.model is wanted)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@cache
def _names() -> dict[str, Model]:
    names: dict[str, Model] = {}
    for spec in model_specs():
        for name in (spec.model.value, spec.name, *spec.aliases):
            names[_key(name)] = spec.model
    return names


def parse_model(text: str) -> Model:
    """TFM / JEM / WSO or ICE's long names ("Warrant Service Officer"), ignoring case, spaces and punctuation."""
    if isinstance(text, Model):
        return text
    found = _names().get(_key(text))
    if found is None:
        accepted = [f"{spec.model.value} ({spec.name})" for spec in model_specs()]
        raise UnknownValue("model", text, accepted)
    return found
