"""The hostile-input corpus (``tests/core/hostile_corpus.py``) through a real ``python -m core
inspect``, one fresh process per case, as a user meets it.

Every case must end in exit 0 with the right shape, or exit 2 with ONE sentence on stderr naming
the file (and the line/field/key where the case says so). Never exit 1, a traceback, a hang (the
timeout), a Python warning on stderr, or a peak memory past the budget (the child's own peak
RSS from ``os.wait4`` beyond a baseline child that reads a tiny file; the budget cases give a
small ``--memory-budget``, the others run under :data:`CHILD_BUDGET`).

Cases that still fail because of code another part of the project owns are listed in
:data:`KNOWN_OPEN` with the reason; the test asserts that they *still* fail, so the list has to
shrink when they are fixed (nothing is skipped or hidden).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.core.hostile_corpus import MIB, REPO, Case, build

TIMEOUT_S = 30
#: Memory a child may use beyond the baseline process: the budget itself, plus this slack for
#: the interpreter's own allocations while parsing (pandas' parser buffers, Python objects).
BUDGET_SLACK = 48 * MIB
#: The memory budget of the cases that give no --memory-budget (SHAPE_EXPLORER_MEMORY_BUDGET).
CHILD_BUDGET = 512 * MIB

#: Cases run at once: each is a fresh process, mostly waiting on imports, so a few overlap well.
WORKERS = 3

#: Cases that fail today in code owned elsewhere (id → what is wrong and where). Asserted to
#: still fail, so an entry must be removed when its fix lands.
KNOWN_OPEN: dict[str, str] = {}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    peak_rss: int  # bytes
    timed_out: bool


def _run(args: list[str], stdout_path: str | None = None, cwd: Path = REPO) -> Run:
    """Run ``python -m core ARGS`` and return its outcome and its own peak RSS (``wait4``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env["PYTHONPATH"] = str(REPO)
    env.pop("PYTHONWARNINGS", None)
    env["SHAPE_EXPLORER_MEMORY_BUDGET"] = str(CHILD_BUDGET)
    err_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"hostile_{os.getpid()}_{time.monotonic_ns()}.err"
    out_path = err_path.with_suffix(".out")
    with open(err_path, "wb") as err, open(stdout_path or out_path, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "core", *args], stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                   cwd=cwd, env=env, start_new_session=True)
    deadline = time.monotonic() + TIMEOUT_S
    status, usage, timed_out = 0, None, False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            _, status, usage = os.wait4(process.pid, 0)
            timed_out = True
            break
        time.sleep(0.01)
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = err_path.read_bytes().decode("utf-8", errors="replace")
    stdout = "" if stdout_path else out_path.read_bytes().decode("utf-8", errors="replace")
    for path in (err_path, out_path):
        path.unlink(missing_ok=True)
    return Run(process.returncode, stdout, stderr, usage.ru_maxrss * 1024, timed_out)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Case]:
    return {case.id: case for case in build(tmp_path_factory.mktemp("hostile"))}


def _args(case: Case) -> list[str]:
    args = ["inspect", str(case.path), *case.args]
    if case.json:
        args.append("--json")
    if case.budget is not None:
        args += ["--memory-budget", str(case.budget)]
    return args


@pytest.fixture(scope="module")
def runs(corpus) -> dict[str, Run]:
    """Every case run once, a few at a time (``wait4`` gives each child's own peak memory)."""
    from concurrent.futures import ThreadPoolExecutor

    cases = sorted(corpus.values(), key=lambda case: case.budget is None)  # the slow budget cases first
    with ThreadPoolExecutor(WORKERS) as pool:
        return dict(zip([case.id for case in cases], pool.map(lambda case: _run(_args(case), case.stdout), cases)))


@pytest.fixture(scope="module")
def baseline_rss(corpus) -> int:
    """Peak RSS of a child that reads a tiny CSV: the interpreter, numpy and pandas."""
    path = corpus["csv-utf8-bom"].path
    run = _run(["inspect", "--json", str(path)])
    assert run.code == 0, run.stderr
    return run.peak_rss


def problems(case: Case, run: Run, baseline: int | None) -> list[str]:
    """Everything wrong with how ``run`` ended for ``case`` (empty: as it should be)."""
    found: list[str] = []
    name = case.path.name if case.name is None else case.name
    expect = case.expect
    if run.timed_out:
        return [f"no answer within {TIMEOUT_S} s (a hang)"]
    if "Traceback" in run.stderr or "Traceback" in run.stdout:
        found.append("a traceback")
    if "internal error" in run.stderr:
        found.append("an internal error")
    if "Warning" in run.stderr:
        found.append(f"a Python warning on stderr: {run.stderr[:300]!r}")
    if run.code not in (0, 2):
        found.append(f"exit {run.code}")
    if expect.exit_code is not None and run.code != expect.exit_code and run.code in (0, 2):
        found.append(f"exit {run.code}, expected {expect.exit_code}: {run.stderr.strip()[:300]}")
    if run.code == 2:
        lines = run.stderr.splitlines()
        if len(lines) != 1:
            found.append(f"{len(lines)} lines on stderr, expected one sentence: {run.stderr[:300]!r}")
        if name and name not in run.stderr:
            found.append(f"the sentence does not name {name!r}: {run.stderr.strip()[:300]}")
        missing = [f for f in expect.fragments if f not in run.stderr]
        if missing and expect.exit_code is not None:
            found.append(f"the sentence lacks {missing}: {run.stderr.strip()[:300]}")
        if "\x1b" in run.stderr:
            found.append("a raw terminal escape character on stderr")
        if len(run.stderr) > 700:
            found.append("a sentence too long to read")
        if run.stdout and case.stdout is None:
            found.append(f"output on stdout after an error: {run.stdout[:100]!r}")
    if run.code == 0:
        if run.stderr.strip():
            found.append(f"something on stderr: {run.stderr[:300]!r}")
        if case.json:
            try:
                report = json.loads(run.stdout)
            except ValueError:
                return [*found, f"stdout is not JSON: {run.stdout[:200]!r}"]
            if expect.shape is not None and report.get("shape") != expect.shape:
                found.append(f"shape {report.get('shape')}, expected {expect.shape}")
            for key, wanted in expect.facts.items():
                value = report.get(key)
                if key == "format":
                    value = str(value).split("-")[0]
                good = wanted(value) if callable(wanted) else value == wanted
                if not good:
                    found.append(f"{key} is {str(value)[:200]}, expected {'a match' if callable(wanted) else wanted!r}")
        for character in case.forbid_on_stdout:
            if character in run.stdout:
                found.append(f"a raw {character!r} printed on stdout")
    if baseline is not None:  # every child runs under a budget: its --memory-budget or CHILD_BUDGET
        limit = baseline + (case.budget or CHILD_BUDGET) + BUDGET_SLACK
        if run.peak_rss > limit:
            found.append(f"peak memory {run.peak_rss / MIB:.0f} MiB, more than the baseline {baseline / MIB:.0f} MiB "
                         f"+ the budget {(case.budget or CHILD_BUDGET) / MIB:.0f} MiB + {BUDGET_SLACK / MIB:.0f} MiB")
    return found


def _case_ids() -> list[str]:
    from tests.core.hostile_corpus import _cases

    return [entry[0] for entry in _cases()]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("case_id", _case_ids())
def test_hostile_input(case_id, corpus, runs, baseline_rss):
    case = corpus[case_id]
    found = problems(case, runs[case_id], baseline_rss)
    if case_id in KNOWN_OPEN:
        assert found, f"{case_id} now passes: remove it from KNOWN_OPEN ({KNOWN_OPEN[case_id]})"
    else:
        assert not found, f"{case_id} ({case.path.name}): " + "; ".join(found)


def test_known_open_cases_exist():
    assert set(KNOWN_OPEN) <= set(_case_ids())


def test_every_family_is_covered():
    from tests.core.hostile_corpus import _cases

    families = {entry[1] for entry in _cases()}
    assert {"csv", "spreadsheet", "detection", "numpy", "partial", "json", "ts", "arff", "tsf", "compressed", "paths",
            "options", "printing", "budget", "other"} <= families
