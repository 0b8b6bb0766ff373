"""The opt-in PPS tortured-phrase loader: each cleaning step, the report, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unmangle.cli import main
from unmangle.lexicon import Lexicon, LexiconError, load_pps
from unmangle.lexicon.tortured import parse_query, read_pps

CSV = '''tortured_phrase,expected_phrase,num_papers
"""counterfeit consciousness""",artificial intelligence,"5,000"
"""profound learning"" AND ""deep learning""",deep learning,"4,353"
"""surface highlights"" NOT specular",surface features,"2,796"
"""fit record"" OR ""fit file"" AND ""fit index""",Fit Index,47
"""exactness accuracy""~5",accuracy,"2,949"
"""bosom"" AND ""breast""",breast,"13,940"
"""cadence design""",rythm pattern (?),10
"""vague set""",???,10
"""business knowledge""",Business Intelligence (BI),"10,091"
"""support vectors""",support vectors (in SVM),5
"""neural network""",[neural network] layer outputs,"5,314"
"""kind cancer""",benign cancer/tumor,13
"""counterfeit consciousness""",artificial intelligence,3
"""counterfeit consciousness""",machine intelligence,2
"""randomized controlled preliminary"" NOT ""randomized controlled preliminary trial""",randomized controlled trial,425
'''


@pytest.fixture()
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "tortured_pps_export.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_parse_query_operators() -> None:
    assert parse_query('"surface region" AND "surface area"')[:2] == (["surface region"], [])
    assert parse_query('"fit record" OR "fit file" AND "fit index"')[:2] == \
        (["fit record", "fit file"], [])
    forms, forbid, seen = parse_query('"extricating highlights"~20 NOT specular')
    assert (forms, forbid) == (["extricating highlights"], ["specular"])
    assert seen["~N"] == 1 and seen["NOT"] == 1
    assert parse_query('"a b" AND ("c" OR "d") AND ("e" OR "f")')[:2] == (["a b"], [])


def test_csv_cleaning_steps_and_report(csv_file: Path) -> None:
    entries, report = read_pps(csv_file)
    by_form = {e.forms[0]: e for e in entries}
    assert set(by_form) == {"counterfeit consciousness", "profound learning", "surface highlights",
                            "fit record", "fit file", "exactness accuracy", "business knowledge",
                            "randomized controlled preliminary"} - {"fit file"}
    assert by_form["fit record"].forms == ("fit record", "fit file")
    assert by_form["fit record"].replacement == "fit index"          # case normalised
    assert by_form["business knowledge"].replacement == "business intelligence"  # (BI) removed
    assert by_form["surface highlights"].forbid == ("specular",)     # NOT -> forbid
    assert by_form["randomized controlled preliminary"].forbid == ("trial",)
    assert by_form["counterfeit consciousness"].replacement == "artificial intelligence"
    assert all(e.kind == "tortured-phrase" and e.confidence == 0.6 for e in entries)
    assert report.read == {"tortured_pps_export.csv": 15}
    assert report.kept == 7
    assert report.dropped == {
        "expected phrase uncertain ('?')": 2,
        "form shorter than two words": 1,
        "tortured phrase inside the expected phrase": 2,  # "neural network", "support vectors"
        "expected phrase lists alternatives": 1,
        "duplicate": 1,
        "same form, another expected phrase (first kept)": 1,
    }
    assert report.changed["query operator AND removed"] == 3
    assert report.changed["NOT operand turned into a forbid= context rule"] == 2
    assert "kept 7 entries" in report.summary()


def test_loaded_list_repairs_and_respects_forbid(csv_file: Path) -> None:
    lex = load_pps(csv_file)
    assert lex.apply("Counterfeit consciousness is here.") == "Artificial intelligence is here."
    assert lex.apply("surface highlights of the model") == "surface features of the model"
    assert lex.apply("specular surface highlights") == "specular surface highlights"
    assert lex.apply("a neural network layer") == "a neural network layer"  # dropped entry


def test_json_variant_and_folder(tmp_path: Path, csv_file: Path) -> None:
    (tmp_path / "tortured-phrases.json").write_text(json.dumps({"phrases": [
        {"tortured": "joined together states", "correct": "united states"},
        {"tortured": "counterfeit consciousness", "correct": "artificial intelligence"},
        {"tortured": "cloud platform", "correct": "the cloud platform"},
        {"tortured": "net of things", "correct": "internet of things (iot)"},
        {"tortured": "audio sign", "correct": "audio signal"},
        {"tortured": 3},
    ]}), encoding="utf-8")
    entries, report = read_pps(tmp_path)  # folder: CSV first, then JSON
    forms = {f for e in entries for f in e.forms}
    assert {"joined together states", "net of things", "audio sign"} <= forms
    assert "cloud platform" not in forms
    assert report.dropped["duplicate"] == 2
    assert report.dropped["malformed item"] == 1


def test_forms_that_are_another_entrys_correction_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps([
        {"tortured": "cloud registering", "correct": "cloud computing"},
        {"tortured": "cloud computing", "correct": "cloud environment"},
    ]), encoding="utf-8")
    entries, report = read_pps(path)
    assert [e.forms for e in entries] == [("cloud registering",)]
    assert report.dropped["form occurs in an expected phrase (correct text)"] == 1


def test_exclude_forms(csv_file: Path) -> None:
    entries, report = read_pps(csv_file, exclude_forms=["Counterfeit Consciousness"])
    assert "counterfeit consciousness" not in {f for e in entries for f in e.forms}
    assert report.dropped["form already in the default lexicon"] == 3  # all three rows


def test_bad_input(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="no such"):
        read_pps(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="columns"):
        read_pps(bad)
    broken = tmp_path / "broken.json"
    broken.write_text('{"phrases": [', encoding="utf-8")
    with pytest.raises(LexiconError, match="JSON"):
        read_pps(broken)


def test_cli_pps_writes_a_usable_lexicon(csv_file: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "pps.tsv"
    assert main(["lexicon", "pps", str(csv_file), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "kept" in err and "dropped" in err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Tortured phrases from the Problematic Paper Screener")
    lex = Lexicon.from_file(out)
    # the bundled lexicon already handles "counterfeit consciousness": left out by default
    assert "counterfeit consciousness" not in {f for e in lex.entries for f in e.forms}
    assert main(["lexicon", "check", str(out)]) == 0
    assert main(["lexicon", "pps", str(tmp_path / "nope"), "-o", str(out)]) == 2


def test_pps_is_never_on_by_default() -> None:
    assert all(e.kind != "tortured-phrase" for e in Lexicon.load_default().entries)


@pytest.mark.shared
def test_real_pps_list(shared_dir: Path) -> None:
    folder = shared_dir / "lexicons" / "pps"
    if not folder.is_dir():
        pytest.skip("no PPS list in ../shared")
    entries, report = read_pps(folder)
    assert 6000 < report.kept < 8000
    assert report.dropped["expected phrase uncertain ('?')"] > 300
    assert report.dropped["tortured phrase inside the expected phrase"] >= 20
    lex = Lexicon(entries)
    assert not any("?" in e.replacement or "[" in e.replacement for e in entries)
    assert all(len(f.split()) >= 2 for e in entries for f in e.forms)
    assert lex.apply("the joined together states") == "the united states"
    # idempotent: no replacement is rewritten again
    unstable = [e.replacement for e in entries if lex.apply(e.replacement) != e.replacement]
    assert not unstable, unstable[:20]
