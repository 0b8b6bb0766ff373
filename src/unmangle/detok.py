"""A small Moses-style English detokeniser: "son 's heart ." -> "son's heart.".

Corpora such as MLQE-PE ship tokenised text (spaces around every punctuation mark). Benchmarks that
ask "is clean text left alone?" must detokenise first, or every " ." would count as damage. This is
not a general detokeniser, just the English rules Moses' detokenizer applies, written from its
documented behaviour: punctuation attaches to the word before it, opening brackets and currency
signs to the word after, clitics ('s, n't, ...; with straight or curly apostrophes) to their host, and straight quotes alternate
between opening and closing.
"""

from __future__ import annotations

import re

# Moses escapes a few characters when it tokenises; undo them first.
_ESCAPES = {
    "&amp;": "&", "&#124;": "|", "&lt;": "<", "&gt;": ">", "&apos;": "'", "&quot;": '"',
    "&#91;": "[", "&#93;": "]",
}
# "well @-@ known" -> "well-known", "1 @,@ 000" -> "1,000"
_AGGRESSIVE_SPLIT = re.compile(r"\s*@([-,.])@\s*")
# "Priestley ' s" -> "Priestley 's" (a clitic split from its apostrophe)
_SPLIT_CLITIC = re.compile(r"(?<=\s)(['’]) (s|re|ve|ll|d|m|t)(?=\s|$)")
_ESCAPE_RE = re.compile("|".join(re.escape(k) for k in _ESCAPES))

_ATTACH_LEFT = re.compile(r"^(?:[.,;:!?%)\]}”’»]+|\.\.\.|['’](?:s|re|ve|ll|d|m|t)|n['’]t|'')$",
                          re.IGNORECASE)
_ATTACH_RIGHT = re.compile(r"^(?:[(\[{“‘«¿¡$€£¥]|``)$")


def detokenize(text: str) -> str:
    """Join a space-tokenised English sentence back into running text."""
    text = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text)
    text = _AGGRESSIVE_SPLIT.sub(r"\1", text)
    text = _SPLIT_CLITIC.sub(r"\1\2", text)
    tokens = text.split()
    out: list[str] = []
    glue_next = False  # the previous token attaches to this one
    open_double = False
    open_single = False
    for i, token in enumerate(tokens):
        attach_left = False
        attach_right = False
        if token == '"':
            if open_double:
                attach_left = True
            else:
                attach_right = True
            open_double = not open_double
        elif token == "'":
            prev = tokens[i - 1] if i else ""
            if open_single:
                attach_left = True
                open_single = False
            elif prev[-1:].lower() == "s" and prev[:1].isalpha():
                attach_left = True  # the students ' books -> students' books
            else:
                attach_right = True
                open_single = True
        elif _ATTACH_LEFT.match(token):
            attach_left = True
        elif _ATTACH_RIGHT.match(token):
            attach_right = True
        if out and not attach_left and not glue_next:
            out.append(" ")
        out.append(token)
        glue_next = attach_right
    return "".join(out)
