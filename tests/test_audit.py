"""`make audit` never calls "could not look anything up" a pass (.ci/audit.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "audit.py"
NOT_FOUND = "Dependency not found on PyPI and could not be audited"


def _audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_nothing_looked_up_is_no_pass() -> None:
    report = {
        "dependencies": [
            {
                "name": "aiohttp",
                "skip_reason": "Dependency not found on PyPI and could not be audited: aiohttp (3.14.5)",
            },
            {"name": "jinja2", "skip_reason": "Dependency not found on PyPI and could not be audited: jinja2 (3.1.6)"},
        ]
    }  # what pip-audit reports here, with "No known vulnerabilities found" and exit 0
    code, lines = _audit().verdict(report)
    assert code == 2
    assert lines[0].startswith("COULD NOT AUDIT: none of the 2 installed packages could be looked up")
    assert "This is not a pass" in lines[0]


def test_a_partial_audit_names_what_was_not_looked_up() -> None:
    report = {
        "dependencies": [
            {"name": "aiohttp", "version": "3.14.5", "vulns": []},
            {"name": "jinja2", "skip_reason": "not found"},
        ]
    }
    code, lines = _audit().verdict(report)
    assert code == 2
    assert lines[0] == "Audited 1 of 2 packages: no known vulnerabilities among them."
    assert "not audited: jinja2" in lines[1]


def test_a_vulnerability_fails_with_the_fixed_versions() -> None:
    vuln = {"id": "GHSA-xxxx", "fix_versions": ["3.14.6"], "description": "..."}
    report = {"dependencies": [{"name": "aiohttp", "version": "3.14.5", "vulns": [vuln]}]}
    code, lines = _audit().verdict(report)
    assert code == 1
    assert lines[0] == "VULNERABLE aiohttp 3.14.5: GHSA-xxxx (fixed in 3.14.6)"


def test_a_full_clean_audit_passes() -> None:
    report = {"dependencies": [{"name": "aiohttp", "version": "3.14.5", "vulns": []}]}
    assert _audit().verdict(report) == (0, ["Audited all 1 installed packages: no known vulnerabilities."])
