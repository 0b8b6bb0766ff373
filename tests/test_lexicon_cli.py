"""``unmangle lexicon check`` and ``unmangle repair --lexicon``."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from unmangle.cli import main

HEADER = "forms\treplacement\tkind\trules\tconfidence\tnote\n"


def test_check_default_lexicon(capsys: pytest.CaptureFixture) -> None:
    assert main(["lexicon", "check"]) == 0
    out = capsys.readouterr()
    assert "default lexicon" in out.out and "entries" in out.out
    assert "warning" not in out.err  # the bundled entries are stable


def test_check_files_counts_and_warnings(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    good = tmp_path / "good.tsv"
    good.write_text(HEADER + "Ticketok | Ticketock\tTikTok\tentity\t-\t0.9\tx\n"
                    "bogus news\tfake news\tterm\trequire=online\t0.9\tx\n"
                    "fake news\tfalse news\tterm\t-\t0.9\tloops back\n", encoding="utf-8")
    assert main(["lexicon", "check", str(good)]) == 0
    out = capsys.readouterr()
    assert f"{good}: 3 entries, 4 forms (1 entity, 2 term); 1 with a context rule" in out.out
    assert "warning: good.tsv:3: replacement 'fake news' is rewritten again" in out.err


def test_check_malformed_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(HEADER + "Ticketok\tTikTok\tcompany\t-\t0.9\t\n", encoding="utf-8")
    assert main(["lexicon", "check", str(bad)]) == 2
    assert f"{bad}:2: unknown kind 'company'" in capsys.readouterr().err


def test_lexicon_without_action_prints_help(capsys: pytest.CaptureFixture) -> None:
    assert main(["lexicon"]) == 2
    assert "check" in capsys.readouterr().err


def _run_repair(args: list[str], text: str, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    code = main(["repair", "--fast", *args, "-"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_repair_uses_an_extra_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture) -> None:
    user = tmp_path / "user.tsv"
    user.write_text(HEADER + "Acme Widget Co\tAcme Widgets Inc.\tentity\t-\t0.9\tmy firm\n",
                    encoding="utf-8")
    code, out, _ = _run_repair(["--lexicon", str(user)],
                               "Acme Widget Co bought Ticketok.\n", monkeypatch, capsys)
    assert code == 0
    assert out == "Acme Widgets Inc. bought TikTok.\n"  # user entry and default entry


def test_repair_with_malformed_lexicon_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(HEADER + "Acme\n", encoding="utf-8")
    code, out, err = _run_repair(["--lexicon", str(bad)], "text\n", monkeypatch, capsys)
    assert code == 2 and out == ""
    assert f"{bad}:2" in err
