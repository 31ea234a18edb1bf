"""The three 287(g) models and what each authorizes and forbids (packaged in data/models.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

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
        )
        for item in data_yaml("models.yaml")
    )


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
