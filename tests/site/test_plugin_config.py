"""The plugin's MkDocs config is the shared option schema, not a second copy of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from site_support import write_config

from mkdocs_preflight.config import OPTIONS, ConfigError, validate
from mkdocs_preflight.site.config import PreflightConfig
from mkdocs_preflight.site.plugin import PreflightPlugin


def test_schema_names_and_defaults_come_from_options() -> None:
    schema = dict(PreflightConfig._schema)
    assert list(schema) == [option.name for option in OPTIONS]
    for option in OPTIONS:
        assert schema[option.name].default == option.default, option.name
    config = PreflightConfig(config_file_path="/nowhere/mkdocs.yml")
    config.load_dict({})
    errors, warnings = config.validate()
    assert (errors, warnings) == ([], [])
    assert dict(config) == validate({})[0]


@pytest.mark.parametrize(
    "raw",
    [
        {"fail_on": "bogus"},
        {"interactive": "yes"},
        {"checklists_dir": 3},
        {"checklists_dir": []},
        {"requirement_patterns": ["REQ-\\d+"]},
        {"requirement_patterns": ["(?P<id>["]},
        {"levels": ["PF101"]},
        {"nav_title": None},
    ],
)
def test_invalid_values_are_rejected_like_the_cli_rejects_them(raw: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as cli_error:
        validate(raw)
    config = PreflightConfig(config_file_path="/nowhere/mkdocs.yml")
    config.load_dict(raw)
    errors, _ = config.validate()
    assert len(errors) == 1
    name, error = errors[0]
    assert name == next(iter(raw))
    assert str(error) in str(cli_error.value)


@pytest.mark.parametrize(
    "raw",
    [
        {"checklists_dir": ["runbooks", "ops/*.md"], "fail_on": "never", "interactive": False},
        {"registry": "reqs.yml", "requirements_page": "", "levels": {"PF1": "error"}},
        {"registry": None, "repo_url_pattern": "https://git.example/{path}"},
    ],
)
def test_valid_values_are_the_same_in_both(raw: dict[str, Any]) -> None:
    config = PreflightConfig(config_file_path="/nowhere/mkdocs.yml")
    config.load_dict(raw)
    assert config.validate() == ([], [])
    assert dict(config) == validate(raw)[0]


def test_mkdocs_loads_the_plugin_with_its_options(tmp_path: Path) -> None:
    write_config(
        tmp_path, {"site_name": "x", "plugins": [{"preflight": {"nav_title": "Runbooks", "fail_on": "warning"}}]}
    )
    (tmp_path / "docs").mkdir()
    config = load_config(str(tmp_path / "mkdocs.yml"))
    plugin = config.plugins["preflight"]
    assert isinstance(plugin, PreflightPlugin)
    assert plugin.config["nav_title"] == "Runbooks"
    assert plugin.config["fail_on"] == "warning"
    assert plugin.config["checklists_dir"] == "checklists"


def test_a_bad_option_aborts_the_mkdocs_config(tmp_path: Path) -> None:
    write_config(tmp_path, {"site_name": "x", "plugins": [{"preflight": {"fail_on": "sometimes"}}]})
    (tmp_path / "docs").mkdir()
    with pytest.raises(Abort):
        load_config(str(tmp_path / "mkdocs.yml"))
