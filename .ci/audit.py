"""Dependency audit: pip-audit over every package of uv.lock, and an honest account of it.

pip-audit prints "No known vulnerabilities found" even when it could audit nothing (a package
index without the advisory API, no network): every package is then *skipped*, not clean. This
step counts what was really audited and says plainly when the advisories could not be reached;
that case does not fail CI. A known vulnerability in an audited package does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 600


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="umkm-audit-") as folder:
        requirements = Path(folder) / "requirements.txt"
        report = Path(folder) / "audit.json"
        exported = subprocess.run(
            [
                "uv",
                "export",
                "--frozen",
                "--format",
                "requirements-txt",
                "--all-groups",
                "--no-emit-project",
                "--output-file",
                str(requirements),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if exported.returncode != 0:
            print(f"dependency audit: could not export uv.lock: {exported.stderr.strip()}")
            return 1
        try:
            audited = subprocess.run(
                [
                    "pip-audit",
                    "--requirement",
                    str(requirements),
                    "--disable-pip",
                    "--progress-spinner",
                    "off",
                    "--format",
                    "json",
                    "--output",
                    str(report),
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return _unreachable(f"pip-audit got no answer in {TIMEOUT_SECONDS} s")
        if not report.exists():
            last = (audited.stderr.strip().splitlines() or ["no output"])[-1]
            return _unreachable(last)
        return _account(json.loads(report.read_text())["dependencies"])


def _unreachable(why: str) -> int:
    print(
        "dependency audit: NOT DONE - the vulnerability advisory service could not be reached "
        f"({why}). No package was checked; this is not a clean result. CI goes on."
    )
    return 0


def _account(dependencies: list[dict[str, object]]) -> int:
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    checked = [dep for dep in dependencies if not dep.get("skip_reason")]
    vulnerable = [dep for dep in checked if dep.get("vulns")]
    if not checked:
        return _unreachable(
            f"all {len(dependencies)} packages skipped, e.g. {skipped[0]['skip_reason']}"
            if skipped
            else "pip-audit listed no packages"
        )
    for dep in vulnerable:
        ids = ", ".join(str(vuln["id"]) for vuln in dep["vulns"])  # type: ignore[attr-defined]
        print(f"dependency audit: {dep['name']} {dep['version']}: {ids}")
    note = f"; {len(skipped)} could not be checked (skipped)" if skipped else ""
    if vulnerable:
        print(
            f"dependency audit: {len(vulnerable)} of {len(checked)} checked packages have known "
            f"vulnerabilities{note}."
        )
        return 1
    print(
        f"dependency audit: no known vulnerabilities in the {len(checked)} checked packages{note}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
