"""How much damage of each kind the generator does: per-category rates and presets.

Rate semantics (documented here because training and benchmarks depend on them):

- Sentence-level categories (``entity`` … ``spacing``): in a sentence chosen for damage (probability
  ``sentence_rate``), category ``c`` is applied with probability ``rates[c]`` (a rate above 1 applies
  it ``floor(rate)`` times plus once more with the fractional probability). If none fires, one
  category is drawn in proportion to the rates, so a damaged sentence is damaged when it can be.
  A category with no place to act in a sentence (no known name, no article…) does nothing there.
  At most ``max_edits_per_sentence`` edits per sentence.
- ``paragraph_duplicate``: probability that a paragraph is followed by a near-copy of itself.
- ``boilerplate``: probability that a document gets web chrome (a trailing block, or a line or wire
  tag between paragraphs).
- Lost paragraph breaks count as ``spacing`` damage, at ``rates["spacing"] * 0.2`` per paragraph break.

``thesaurus_share`` (default 0): share of the synonym family's edits drawn from the thesaurus
(Moby and WordNet) instead of the hand-written table; 0 leaves every output as before.

Rates given to :class:`CorruptionConfig` are merged over the ``news`` preset; use
:meth:`CorruptionConfig.only` for a single category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

#: Every damage category, sentence-level first, then document-level.
CATEGORIES: tuple[str, ...] = (
    "entity",
    "synonym",
    "function_word",
    "word_order",
    "clause",
    "duplication",
    "spacing",
    "paragraph_duplicate",
    "boilerplate",
)
SENTENCE_CATEGORIES: tuple[str, ...] = CATEGORIES[:7]
DOCUMENT_CATEGORIES: tuple[str, ...] = CATEGORIES[7:]

MAX_RATE = 5.0

_NEWS_RATES: dict[str, float] = {
    "entity": 0.35,
    "synonym": 0.45,
    "function_word": 0.4,
    "word_order": 0.15,
    "clause": 0.15,
    "duplication": 0.12,
    "spacing": 0.15,
    "paragraph_duplicate": 0.03,
    "boilerplate": 0.5,
}

PRESETS: dict[str, dict] = {
    "light": {"rates": {k: v * 0.5 for k, v in _NEWS_RATES.items()}, "sentence_rate": 0.3,
              "max_edits_per_sentence": 2},
    "news": {"rates": dict(_NEWS_RATES), "sentence_rate": 0.6, "max_edits_per_sentence": 4},
    "heavy": {"rates": {k: min(1.0, v * 1.6) for k, v in _NEWS_RATES.items()}, "sentence_rate": 0.85,
              "max_edits_per_sentence": 6},
}


class ConfigError(ValueError):
    """A configuration the generator cannot use (unknown category, rate out of range, …)."""


@dataclass
class CorruptionConfig:
    """Per-category ``rates`` (merged over the news preset), share of damaged sentences, edit cap."""

    rates: Mapping[str, float] = field(default_factory=dict)
    sentence_rate: float = 0.6
    max_edits_per_sentence: int = 4
    thesaurus_share: float = 0.0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.rates) - set(CATEGORIES))
        if unknown:
            raise ConfigError(f"unknown corruption categor{'y' if len(unknown) == 1 else 'ies'} "
                              f"{', '.join(unknown)}; known: {', '.join(CATEGORIES)}")
        merged = dict(_NEWS_RATES)
        for name, value in self.rates.items():
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"rate for {name} must be a number, got {value!r}") from None
            if not 0.0 <= value <= MAX_RATE:
                raise ConfigError(f"rate for {name} must lie in [0, {MAX_RATE}], got {value}")
            merged[name] = value
        self.rates = merged
        if not 0.0 <= float(self.sentence_rate) <= 1.0:
            raise ConfigError(f"sentence_rate must lie in [0, 1], got {self.sentence_rate}")
        self.sentence_rate = float(self.sentence_rate)
        if int(self.max_edits_per_sentence) < 0:
            raise ConfigError(f"max_edits_per_sentence must be >= 0, got {self.max_edits_per_sentence}")
        self.max_edits_per_sentence = int(self.max_edits_per_sentence)
        try:
            self.thesaurus_share = float(self.thesaurus_share)
        except (TypeError, ValueError):
            raise ConfigError(f"thesaurus_share must be a number, got {self.thesaurus_share!r}") from None
        if not 0.0 <= self.thesaurus_share <= 1.0:
            raise ConfigError(f"thesaurus_share must lie in [0, 1], got {self.thesaurus_share}")

    @classmethod
    def preset(cls, name: str, **overrides: object) -> "CorruptionConfig":
        """``light`` (30% of sentences, mild), ``news`` (like the seed article) or ``heavy``."""
        if name not in PRESETS:
            raise ConfigError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}")
        base = {k: (dict(v) if isinstance(v, dict) else v) for k, v in PRESETS[name].items()}
        rates = dict(base.pop("rates"))
        rates.update(overrides.pop("rates", None) or {})  # type: ignore[arg-type]
        base.update(overrides)
        return cls(rates=rates, **base)  # type: ignore[arg-type]

    @classmethod
    def only(cls, *categories: str, rate: float = 1.0, sentence_rate: float = 1.0,
             max_edits_per_sentence: int = 4) -> "CorruptionConfig":
        """Every named category at ``rate``, all others off: for tests and per-category suites."""
        rates = {c: 0.0 for c in CATEGORIES}
        for c in categories:
            if c not in CATEGORIES:
                raise ConfigError(f"unknown corruption category {c}; known: {', '.join(CATEGORIES)}")
            rates[c] = rate
        return cls(rates=rates, sentence_rate=sentence_rate, max_edits_per_sentence=max_edits_per_sentence)

    @classmethod
    def zero(cls) -> "CorruptionConfig":
        """No damage at all (source == target)."""
        return cls.only()

    def to_dict(self) -> dict:
        out = {"rates": dict(self.rates), "sentence_rate": self.sentence_rate,
               "max_edits_per_sentence": self.max_edits_per_sentence}
        if self.thesaurus_share:  # only when set, so existing records stay byte-identical
            out["thesaurus_share"] = self.thesaurus_share
        return out
