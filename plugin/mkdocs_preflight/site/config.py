"""The plugin's MkDocs ``Config`` class, generated from :data:`mkdocs_preflight.config.OPTIONS`.

There is one option schema (names, defaults, help, checks) and it lives in
``mkdocs_preflight.config`` so that the CLI can read ``mkdocs.yml`` without MkDocs. This
module only adapts it: every option becomes a :class:`SchemaOption` whose validation
calls the shared :func:`~mkdocs_preflight.config.validate`, so MkDocs and the CLI accept
and reject exactly the same values with the same messages.
"""

from __future__ import annotations

import copy
from typing import Any

from mkdocs.config import base
from mkdocs.config.base import BaseConfigOption, ValidationError

from ..config import OPTIONS, ConfigError, Option, validate


class SchemaOption(BaseConfigOption[Any]):
    """One option of :data:`OPTIONS`, validated by the shared schema."""

    def __init__(self, option: Option) -> None:
        super().__init__()
        self.option = option
        self.default = copy.deepcopy(option.default)

    def run_validation(self, value: object) -> Any:
        """Check ``value`` with the shared validator; raise MkDocs' ``ValidationError``."""
        name = self.option.name
        try:
            values, _ = validate({name: value}, source="preflight")
        except ConfigError as exc:
            # MkDocs already prefixes "Plugin 'preflight' option 'NAME': ".
            message = str(exc).removeprefix(f"preflight: option '{name}' ").removeprefix("preflight: ")
            raise ValidationError(message) from None
        return values[name]


class _FromOptions(base.Config):
    """A config base whose subclasses get one :class:`SchemaOption` per entry of OPTIONS."""

    def __init_subclass__(cls) -> None:  # type: ignore[no-untyped-call]
        for option in OPTIONS:
            schema_option = SchemaOption(option)
            schema_option.__set_name__(cls, option.name)  # type: ignore[no-untyped-call]
            setattr(cls, option.name, schema_option)
        super().__init_subclass__()  # type: ignore[no-untyped-call]


class PreflightConfig(_FromOptions):
    """The options of the ``preflight`` plugin (generated from ``OPTIONS``)."""


def option_values(config: base.Config) -> dict[str, Any]:
    """The validated values of every option, by name (the shape ``Settings.values`` has)."""
    return {option.name: config[option.name] for option in OPTIONS}
