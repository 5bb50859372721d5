"""The real page checkers (../shared/TESTING.md): the Nu HTML validator and axe-core, both from node_modules.

Missing checkers skip a test on a laptop, never in CI: with REQUIRE_BROWSER=1 (set by .ci/run) they fail it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def require(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {what} is missing (make install runs npm install)")
    pytest.skip(f"{what} not installed")


def nu_errors(files: list[Path]) -> list[str]:
    """The Nu validator's errors for these HTML files, one readable line each (file: message | extract)."""
    require(VNU.exists() and shutil.which("java") is not None, "the Nu validator (npm vnu-jar, java)")
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{m.get('url', '').rsplit('/', 1)[-1]}: {m.get('message')} | {m.get('extract')}" for m in messages]


def axe_serious(page) -> list[tuple[str, list]]:
    """axe-core's serious and critical WCAG 2 A/AA violations on the page Playwright has open."""
    require(AXE.exists(), "axe-core (npm)")
    # evaluate() runs through the DevTools protocol, so the strict CSP (no inline script) stays untouched.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]
