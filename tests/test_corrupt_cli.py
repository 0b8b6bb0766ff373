"""``unmangle corrupt``: round trip, reproducibility, input formats and bad input."""

from __future__ import annotations

import gzip
import json

import pytest

from unmangle.cli import main
from unmangle.corrupt import CATEGORIES, CorruptedPair

DOC = (
    "Tencent shares rose on Monday after the company said it would buy back stock.\n"
    "The government also launched an investigation into the practices of Alibaba.\n"
    "\n"
    "After halting Ant's $35 billion share sale last autumn, Beijing has moved to rein in "
    "the payments business. Many company founders are also party members.\n"
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["corrupt", "--no-progress", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def read_pairs(text: str) -> list[dict]:
    rows = [json.loads(line) for line in text.splitlines()]
    for row in rows:
        CorruptedPair.from_dict(row)  # checks the alignment
    return rows


def test_document_round_trip_and_same_seed_same_bytes(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(DOC, encoding="utf-8")
    outs = []
    for k in range(2):
        out = tmp_path / f"out{k}.jsonl"
        code, _, _ = run(capsys, str(src), "-o", str(out), "--seed", "4", "--preset", "heavy")
        assert code == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    rows = read_pairs(outs[0].decode("utf-8"))
    assert [r["id"] for r in rows] == ["1", "4"]  # blank-line separated documents, id = first line
    assert [r["target"] for r in rows] == [DOC.split("\n\n")[0], DOC.split("\n\n")[1].rstrip("\n")]
    assert any(r["spans"] for r in rows)
    code, _, _ = run(capsys, str(src), "-o", str(tmp_path / "other.jsonl"), "--seed", "5", "--preset", "heavy")
    assert (tmp_path / "other.jsonl").read_bytes() != outs[0]


def test_sentence_level_lines_and_rates(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(DOC, encoding="utf-8")
    code, out, _ = run(capsys, str(src), "--level", "sentence", "--rate", "entity=1", "--sentence-rate", "1",
                       *[f"--rate={c}=0" for c in CATEGORIES if c != "entity"])
    assert code == 0
    rows = read_pairs(out)
    assert [r["id"] for r in rows] == ["1", "2", "4"]
    cats = {s["category"] for r in rows for s in r["spans"]}
    assert cats == {"entity"}


def test_jsonl_gz_input_with_text_field_and_limit(tmp_path, capsys):
    src = tmp_path / "in.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        for k, para in enumerate(DOC.split("\n\n")):
            fh.write(json.dumps({"uid": f"d{k}", "body": para}) + "\n")
        fh.write(json.dumps({"uid": "d9", "body": "Not read because of --limit."}) + "\n")
    code, out, _ = run(capsys, str(src), "--text-field", "body", "--id-field", "uid", "--limit", "2",
                       "--level", "sentence")
    assert code == 0
    rows = read_pairs(out)
    assert [r["id"] for r in rows] == ["d0.0", "d0.1", "d1.0", "d1.1"]
    out_gz = tmp_path / "out.jsonl.gz"
    assert run(capsys, str(src), "--text-field", "body", "-o", str(out_gz))[0] == 0
    first = out_gz.read_bytes()
    assert run(capsys, str(src), "--text-field", "body", "-o", str(out_gz))[0] == 0
    assert out_gz.read_bytes() == first  # gzip header carries no time stamp
    assert len(read_pairs(gzip.decompress(first).decode("utf-8"))) == 3


def test_non_utf8_input_exits_2_with_file_and_line(tmp_path, capsys):
    src = tmp_path / "latin1.txt"
    src.write_bytes("fine line\ncaf\xe9 au lait\n".encode("latin-1"))
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, str(src), "-o", str(out))
    assert code == 2
    assert "latin1.txt, line 2" in err and "UTF-8" in err
    assert not out.exists()


@pytest.mark.parametrize("rate, message", [
    ("entity", "expects CATEGORY=R"),
    ("entity=lots", "not a number"),
    ("entity=-1", "must lie in"),
    ("nonsense=0.5", "unknown category 'nonsense'; categories: " + ", ".join(CATEGORIES)),
])
def test_bad_rate_exits_2(tmp_path, capsys, rate, message):
    src = tmp_path / "in.txt"
    src.write_text(DOC, encoding="utf-8")
    code, _, err = run(capsys, str(src), "--rate", rate)
    assert code == 2
    assert message in err


def test_bad_jsonl_and_missing_file(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "fine"}\n{broken\n', encoding="utf-8")
    code, _, err = run(capsys, str(src))
    assert code == 2 and "line 2" in err and "JSON" in err
    src.write_text('{"body": "no text field"}\n', encoding="utf-8")
    code, _, err = run(capsys, str(src))
    assert code == 2 and "--text-field" in err
    code, _, err = run(capsys, str(tmp_path / "missing.txt"))
    assert code == 2 and "no such file" in err


def test_help_lists_categories(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["corrupt", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for c in CATEGORIES:
        assert c in out
    for option in ("--seed", "--rate", "--preset", "--level", "--input-format", "--text-field", "--limit", "--pps"):
        assert option in out


def test_pps_option_and_bad_pps_file(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("They spread fake news online.\n", encoding="utf-8")
    pps = tmp_path / "pps.json"
    pps.write_text('{"phrases": [{"tortured": "bogus news", "correct": "fake news"}]}', encoding="utf-8")
    seen = False
    for seed in range(15):
        code, out, _ = run(capsys, str(src), "--level", "sentence", "--pps", str(pps), "--seed", str(seed),
                           "--sentence-rate", "1", *[f"--rate={c}=0" for c in CATEGORIES if c != "synonym"],
                           "--rate", "synonym=1")
        assert code == 0
        seen |= "bogus news" in read_pairs(out)[0]["source"]
    assert seen
    pps.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, str(src), "--pps", str(pps))
    assert code == 2 and "pps.json" in err
    code, _, err = run(capsys, str(src), "--pps", str(tmp_path / "absent.json"))
    assert code == 2 and "absent.json" in err
