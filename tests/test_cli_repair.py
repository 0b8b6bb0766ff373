"""``unmangle repair`` in-process: stdin/stdout, files, --json, --diff, --disable, bad input."""

from __future__ import annotations

import io
import json
import sys

import pytest

from unmangle.cli import main
from unmangle.edits import apply_edits

MANGLED = ("Ant’s $ 35 billion offering was his crowning achievement . It was five years. . Then "
           "it ended.\n\nSubscribe now\n\nThe story goes on here, with a second paragraph of prose.\n")
REPAIRED = ("Ant’s $35 billion offering was his crowning achievement. It was five years. Then "
            "it ended.\n\nThe story goes on here, with a second paragraph of prose.\n")


def run(argv, capsys, stdin: bytes | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = main(["repair", "--fast", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_stdin_to_stdout(capsys, monkeypatch):
    code, out, err = run([], capsys, MANGLED.encode("utf-8"), monkeypatch)
    assert (code, out) == (0, REPAIRED)


def test_dash_reads_stdin(capsys, monkeypatch):
    code, out, _ = run(["-"], capsys, MANGLED.encode("utf-8"), monkeypatch)
    assert (code, out) == (0, REPAIRED)


def test_file_to_output_file(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(MANGLED, encoding="utf-8")
    dest = tmp_path / "sub" / "out.txt"
    code, out, _ = run([str(src), "-o", str(dest)], capsys)
    assert code == 0 and out == ""
    assert dest.read_text(encoding="utf-8") == REPAIRED
    assert [p.name for p in dest.parent.iterdir()] == ["out.txt"]  # no temp file left behind


def test_json_output(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(MANGLED, encoding="utf-8")
    code, out, _ = run([str(src), "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["text"] == REPAIRED
    stages = {e["stage"] for e in data["edits"]}
    assert {"normalize", "boilerplate"} <= stages
    from unmangle.edits import Edit
    assert apply_edits(MANGLED, [Edit(**e) for e in data["edits"]]) == REPAIRED
    assert all(set(e) == {"start", "end", "old", "new", "stage", "reason", "confidence"}
               for e in data["edits"])


def test_diff_output(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(MANGLED, encoding="utf-8")
    code, out, _ = run([str(src), "--diff=unified"], capsys)
    assert code == 0
    assert f"--- {src} (input)" in out and f"+++ {src} (repaired)" in out
    assert "-Subscribe now\n" in out
    assert "+Ant’s $35 billion offering" in out


def test_disable_a_stage(capsys, monkeypatch):
    code, out, _ = run(["--disable", "boilerplate", "--disable", "normalize"], capsys,
                       MANGLED.encode("utf-8"), monkeypatch)
    assert code == 0 and out == MANGLED


def test_unknown_stage_is_an_argument_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["repair", "--disable", "nonsense"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_unknown_precision_is_an_argument_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["repair", "--precision", "fp8"])
    assert exc.value.code == 2
    assert "invalid choice: 'fp8'" in capsys.readouterr().err


def test_undecodable_file_exit_2_nothing_written(tmp_path, capsys):
    src = tmp_path / "latin1.txt"
    src.write_bytes("Caf\xe9 au lait .".encode("latin-1"))
    dest = tmp_path / "out.txt"
    code, out, err = run([str(src), "-o", str(dest)], capsys)
    assert code == 2 and out == ""
    assert str(src) in err and "not valid UTF-8" in err and "byte 3" in err
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == [src]


def test_undecodable_stdin_exit_2(capsys, monkeypatch):
    code, out, err = run([], capsys, b"\xff\xfe\x00bad", monkeypatch)
    assert code == 2 and out == "" and "standard input is not valid UTF-8" in err


def test_missing_file_exit_2(tmp_path, capsys):
    code, out, err = run([str(tmp_path / "nope.txt")], capsys)
    assert code == 2 and out == ""
    assert "nope.txt" in err and "no such file" in err


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["repair", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for option in ("FILE", "-o OUT", "--diff", "--json", "--disable STAGE", "--lexicon FILE", "--fast",
                   "--precision"):
        assert option in text


def test_a_command_missing_a_training_package_says_which_extra_to_install(tmp_path):
    """Repair needs no torch; a training command run without it names the extra instead of a
    traceback (a fresh process in which ``import torch`` fails)."""
    import subprocess

    clean = tmp_path / "clean.txt"
    clean.write_text("One clean line of text.\n", encoding="utf-8")
    code = ("import sys; sys.modules['torch'] = None; from unmangle.cli import main; "
            f"sys.exit(main(['train', '--out', {str(tmp_path / 'model')!r}, '--clean', {str(clean)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "needs torch" in done.stderr and "pip install 'unmangle[train]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_asking_for_torch_without_it_is_a_clear_error(tmp_path, capsys, monkeypatch):
    """``--model-engine torch`` where torch cannot be imported: one line naming the way out, no
    traceback, exit 1."""
    import shutil

    from unmangle.neural import engine
    from unmangle.resources import bundled_model_dir

    if bundled_model_dir() is None:
        pytest.skip("no bundled model in this install")
    model = shutil.copytree(bundled_model_dir(), tmp_path / "model")  # a folder no other test has loaded

    def no_torch(*_):
        raise ImportError("No module named 'torch'")

    monkeypatch.setattr(engine, "torch_network", no_torch)
    path = tmp_path / "in.txt"
    path.write_text("Shares of Tennessee Holdings rose on Monday.\n", encoding="utf-8")
    code = main(["repair", str(path), "--model-engine", "torch", "--model", str(model)])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.startswith("unmangle repair: error: engine 'torch' runs the model on torch, which cannot be imported")
    assert "engine 'numpy' (the default)" in err and "Traceback" not in err
