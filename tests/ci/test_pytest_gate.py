"""The gate `.ci/run` puts every run of the suite through: a run in which no test ran fails with
its own message, whatever exit code `make` turned pytest's into."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GATE = ROOT / ".ci" / "pytest-gate"


def gate(*command, **env):
    return subprocess.run(
        [str(GATE), "essai", *command],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def fake_pytest(output, status):
    return [sys.executable, "-c", f"import sys; print({output!r}); sys.exit({status})"]


def test_make_test_with_a_filter_that_selects_no_test_fails_with_the_gate_message():
    # make turns pytest's 5 into 2: the gate must still say that no test ran.
    result = gate(
        "make",
        "--no-print-directory",
        "test",
        f"PYTHON={sys.executable}",
        "PYTEST_ARGS=-n 0 -p no:cacheprovider -k aucun_test_ne_porte_ce_nom tests/ci",
    )
    assert result.returncode == 1
    assert "ÉCHEC : aucun test n'a été exécuté (essai)." in result.stderr


@pytest.mark.parametrize(
    ("output", "status", "message"),
    [
        ("===== no tests ran in 0.10s =====", 5, "aucun test n'a été exécuté"),
        ("===== no tests ran in 0.10s =====", 2, "aucun test n'a été exécuté"),
        ("===== 12 deselected in 0.10s =====", 2, "aucun test n'a été exécuté"),
        ("nothing that looks like pytest", 0, "aucun test n'a été exécuté"),
        ("===== 3 failed, 9 passed in 1.00s =====", 1, "des tests ont échoué (essai), code 1"),
    ],
)
def test_the_gate_fails_with_its_own_message(output, status, message):
    result = gate(*fake_pytest(output, status))
    assert result.returncode == 1
    assert message in result.stderr


def test_the_gate_passes_a_run_in_which_tests_passed():
    result = gate(*fake_pytest("===== 632 passed, 1 warning in 401.20s (0:06:41) =====", 0))
    assert result.returncode == 0, result.stderr
    assert "632 passed" in result.stdout
