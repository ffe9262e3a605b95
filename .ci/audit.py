"""`make audit`: the installed dependencies checked against the known vulnerabilities (pip-audit), said honestly.

pip-audit reports "No known vulnerabilities found" (exit 0) even when it could look up none of the packages, as on
a machine whose package index gives no per-version data and where the vulnerability database (OSV, PyPI's JSON
API) cannot be reached. That is no pass, so this says what was audited: every package (exit 0), some of them
(exit 2, naming the others), none (exit 2, "could not audit"), or vulnerabilities found (exit 1, each with the
versions that fix it).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent


def installed() -> str:
    """The installed distributions, pinned, without the project itself."""
    frozen = subprocess.run(  # noqa: S603 (this venv's own pip)
        [str(BIN / "pip"), "freeze", "--exclude-editable"], capture_output=True, text=True, check=True
    ).stdout
    return "\n".join(line for line in frozen.splitlines() if line and not line.startswith(("-e", "vagvisare")))


def verdict(report: dict[str, Any]) -> tuple[int, list[str]]:
    """The exit code and the lines to print for a pip-audit JSON report."""
    dependencies = report.get("dependencies", [])
    skipped = [item for item in dependencies if "skip_reason" in item]
    vulnerable = [item for item in dependencies if item.get("vulns")]
    audited = len(dependencies) - len(skipped)
    lines = []
    for item in vulnerable:
        for vuln in item["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(f"VULNERABLE {item['name']} {item.get('version', '')}: {vuln.get('id')} (fixed in {fixed})")
    if vulnerable:
        lines.append(
            f"{len(vulnerable)} of {audited} audited packages have known vulnerabilities: see docs/security.md."
        )
        return 1, lines
    if not dependencies or audited == 0:
        reason = skipped[0]["skip_reason"] if skipped else "no packages"
        lines.append(
            f"COULD NOT AUDIT: none of the {len(dependencies)} installed packages could be looked up in a "
            f"vulnerability database ({reason}). This is not a pass: run `make audit` where PyPI's JSON API or "
            "OSV can be reached."
        )
        return 2, lines
    if skipped:
        lines.append(f"Audited {audited} of {len(dependencies)} packages: no known vulnerabilities among them.")
        lines += [f"  not audited: {item['name']} ({item['skip_reason']})" for item in skipped]
        lines.append("This is not a full pass.")
        return 2, lines
    return 0, [f"Audited all {audited} installed packages: no known vulnerabilities."]


def main() -> int:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as requirements:
        requirements.write(installed())
    result = subprocess.run(  # noqa: S603 (this venv's own pip-audit)
        [str(BIN / "pip-audit"), "-r", requirements.name, "--no-deps", "--disable-pip", "--format", "json",
         "--progress-spinner", "off"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    Path(requirements.name).unlink()
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"COULD NOT AUDIT: pip-audit gave no report (exit {result.returncode}): {result.stderr.strip()[-500:]}")
        return 2
    code, lines = verdict(report)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
