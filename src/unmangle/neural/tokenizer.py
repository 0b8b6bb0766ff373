"""The model's tokenizer: a sentencepiece Unigram vocabulary served by a ``tokenizers`` fast tokenizer.

Why not ``T5TokenizerFast(vocab_file=...)``: in transformers 5.x it silently builds a 4-token
vocabulary, and the slow T5 tokenizer drops spaces, newlines and non-Latin text. So the pieces and
scores that sentencepiece learns are loaded into a ``tokenizers`` Unigram model with byte fallback
and no normalisation, which makes ``decode(encode(x)) == x`` hold for any text (tested).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Iterable

#: T5 convention: pad 0, end of sequence 1, unknown 2.
PAD, EOS, UNK = "<pad>", "</s>", "<unk>"
#: Markers around the span to rewrite, and the "leave it alone" answer.
SPAN_OPEN, SPAN_CLOSE, KEEP = "<span>", "</span>", "<keep>"
MARKERS = (SPAN_OPEN, SPAN_CLOSE, KEEP)


def train_sentencepiece(texts: Iterable[str], out_dir: str | Path, vocab_size: int = 16000,
                        input_sentence_size: int = 400_000) -> Path:
    """Learn a Unigram vocabulary with sentencepiece; returns the ``.model`` path.

    No normalisation and no dummy prefix, so pieces map back to the exact input characters.
    """
    import sentencepiece as spm

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / "spm"
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_prefix=str(prefix),
        model_type="unigram",
        vocab_size=vocab_size,
        byte_fallback=True,
        normalization_rule_name="identity",
        add_dummy_prefix=False,
        remove_extra_whitespaces=False,
        split_digits=True,
        allow_whitespace_only_pieces=True,
        character_coverage=0.9995,
        hard_vocab_limit=False,
        input_sentence_size=input_sentence_size,
        shuffle_input_sentence=True,
        max_sentence_length=8192,
        pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
        user_defined_symbols=list(MARKERS),
        num_threads=2,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def fast_tokenizer_from_sentencepiece(model_file: str | Path):
    """Wrap sentencepiece pieces and scores in a ``PreTrainedTokenizerFast``."""
    import sentencepiece as spm
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    sp = spm.SentencePieceProcessor(model_file=str(model_file))
    vocab = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
    if [vocab[0][0], vocab[1][0], vocab[2][0]] != [PAD, EOS, UNK]:
        raise ValueError(f"unexpected special pieces at ids 0-2: {vocab[:3]}")
    tok = Tokenizer(models.Unigram(vocab, unk_id=2, byte_fallback=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never")
    tok.decoder = decoders.Sequence([
        decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
    ])
    tok.post_processor = processors.TemplateProcessing(
        single=f"$A {EOS}", pair=f"$A {EOS} $B {EOS}", special_tokens=[(EOS, 1)])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token=PAD, eos_token=EOS, unk_token=UNK,
        additional_special_tokens=list(MARKERS), clean_up_tokenization_spaces=False,
    )


def build_tokenizer(texts: Iterable[str], out_dir: str | Path, vocab_size: int = 16000):
    """Train a vocabulary on ``texts`` and save the fast tokenizer into ``out_dir``."""
    with tempfile.TemporaryDirectory() as tmp:
        model_file = train_sentencepiece(texts, tmp, vocab_size=vocab_size)
        tokenizer = fast_tokenizer_from_sentencepiece(model_file)
    tokenizer.save_pretrained(str(out_dir))
    return tokenizer


def load_tokenizer(model_dir: str | Path):
    """Load the fast tokenizer saved in a model folder (offline; local files only)."""
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_file=str(Path(model_dir) / "tokenizer.json"), pad_token=PAD, eos_token=EOS,
        unk_token=UNK, additional_special_tokens=list(MARKERS), clean_up_tokenization_spaces=False,
    )


class InferenceTokenizer:
    """A model folder's ``tokenizer.json`` through the ``tokenizers`` library alone.

    Repair needs only batch encoding (padded, with character offsets) and decoding; doing that
    without transformers saves half a second of import time. Ids and offsets equal those of
    :func:`load_tokenizer` (tested).
    """

    def __init__(self, model_dir: str | Path) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.no_truncation()
        ids = {name: self._tok.token_to_id(name) for name in (PAD, EOS, UNK, *MARKERS)}
        missing = [name for name, i in ids.items() if i is None]
        if missing:
            raise ValueError(f"{Path(model_dir) / 'tokenizer.json'} lacks the tokens {missing}")
        self.pad_token_id, self.eos_token_id = ids[PAD], ids[EOS]
        self._ids = ids

    def token_id(self, token: str) -> int:
        return self._ids[token] if token in self._ids else self._tok.token_to_id(token)

    def __len__(self) -> int:
        return self._tok.get_vocab_size()

    def batch(self, texts: list[str], *, offsets: bool = False) -> dict:
        """input_ids and attention_mask (right-padded tensors), and offset lists if asked."""
        import torch

        encodings = self._tok.encode_batch(texts)
        width = max((len(e.ids) for e in encodings), default=0)
        ids = torch.full((len(texts), width), self.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(texts), width), dtype=torch.long)
        for row, e in enumerate(encodings):
            ids[row, :len(e.ids)] = torch.tensor(e.ids, dtype=torch.long)
            mask[row, :len(e.ids)] = 1
        out = {"input_ids": ids, "attention_mask": mask}
        if offsets:
            out["offset_mapping"] = [list(e.offsets) for e in encodings]
        return out

    def decode(self, ids: list[int]) -> str:
        return self._tok.decode(ids, skip_special_tokens=False)
