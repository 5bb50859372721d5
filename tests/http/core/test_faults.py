"""bench/faults.py as a slow test on SQLite: a killed worker, a read-only and a corrupt index (stopping PostgreSQL
stays a by-hand check: the suite itself runs on that server)."""
import shutil

import pytest

from bench import faults

pytestmark = pytest.mark.slow


@pytest.mark.skipif(not shutil.which("setpriv"), reason="setpriv (util-linux) makes the index read-only for root")
def test_the_site_survives_a_killed_worker_and_a_broken_index(tmp_path, capsys):
    checks = faults.run(["worker", "readonly", "corrupt"], db="sqlite", tmp=tmp_path / "faults")
    assert len(checks) >= 15, [c.name for c in checks]
    failed = [f"{c.fault}: {c.name} – {c.detail}" for c in checks if not c.ok]
    assert not failed, "\n".join(failed)
    names = {(c.fault, c.name) for c in checks}
    assert ("corrupt", "search says it is unavailable (503 JSON)") in names
    assert ("readonly", "/healthz stays 200 and reports the index degraded") in names
