"""Build the model's tokenizer: a sentencepiece Unigram vocabulary served by a ``tokenizers`` fast tokenizer.

Why not ``T5TokenizerFast(vocab_file=...)``: in transformers 5.x it silently builds a 4-token
vocabulary, and the slow T5 tokenizer drops spaces, newlines and non-Latin text. So the pieces and
scores that sentencepiece learns are loaded into a ``tokenizers`` Unigram model with byte fallback
and no normalisation, which makes ``decode(encode(x)) == x`` hold for any text (tested). Repair
reads the result with :class:`unmangle.neural.tokenizer.InferenceTokenizer`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Iterable

from ..neural.tokenizer import EOS, MARKERS, PAD, UNK


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
