"""One small T5 with two jobs: a token-level corruption detector and a span rewriter.

The encoder reads a sentence and a linear head scores each token as corrupted or not (the detector).
For a flagged span, the encoder reads the sentence with the span marked and the decoder writes only
the replacement, or ``<keep>`` (leave it alone). It never has to copy the sentence, which a model this
size trained from scratch does not learn quickly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn



@dataclass
class ModelSettings:
    """Architecture of the T5 inside the model (saved in config.json)."""

    d_model: int = 256
    d_ff: int = 1024
    d_kv: int = 64
    num_heads: int = 4
    num_layers: int = 6
    num_decoder_layers: int = 3
    dropout_rate: float = 0.1

    @classmethod
    def preset(cls, name: str) -> "ModelSettings":
        presets = {
            "tiny": cls(d_model=128, d_ff=512, d_kv=32, num_heads=4, num_layers=2, num_decoder_layers=2),
            "small": cls(),
            "base": cls(d_model=384, d_ff=1536, d_kv=64, num_heads=6, num_layers=6, num_decoder_layers=4),
        }
        if name not in presets:
            raise ValueError(f"unknown model preset {name!r}; choose from {', '.join(presets)}")
        return presets[name]


def make_t5_config(settings: ModelSettings, vocab_size: int):
    from transformers import T5Config

    return T5Config(
        vocab_size=vocab_size, d_model=settings.d_model, d_ff=settings.d_ff, d_kv=settings.d_kv,
        num_heads=settings.num_heads, num_layers=settings.num_layers,
        num_decoder_layers=settings.num_decoder_layers, dropout_rate=settings.dropout_rate,
        feed_forward_proj="gated-gelu", tie_word_embeddings=True, pad_token_id=0, eos_token_id=1,
        decoder_start_token_id=0, is_encoder_decoder=True,
    )


class UnmangleModel(nn.Module):
    """T5ForConditionalGeneration plus a per-token detector head on the encoder."""

    def __init__(self, t5_config) -> None:
        super().__init__()
        from transformers import T5ForConditionalGeneration

        self.t5 = T5ForConditionalGeneration(t5_config)
        self.detector = nn.Linear(t5_config.d_model, 1)

    @property
    def config(self):
        return self.t5.config

    def detect_logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Per-token corruption logits, shape (batch, tokens)."""
        hidden = self.t5.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.detector(hidden).squeeze(-1)

    def rewrite_loss(self, input_ids, attention_mask, labels) -> torch.Tensor:
        return self.t5(input_ids=input_ids, attention_mask=attention_mask, labels=labels).loss

    def save(self, out_dir: str | Path, *, dtype: torch.dtype = torch.bfloat16) -> None:
        """Write config.json and model.safetensors (weights cast to ``dtype``)."""
        from safetensors.torch import save_file

        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        self.t5.config.save_pretrained(str(out_dir))
        state = {k: v.detach().to("cpu", dtype).contiguous() for k, v in self.state_dict().items()
                 if not _is_tied_copy(k)}
        save_file(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})

    @classmethod
    def load(cls, model_dir: str | Path, *, dtype: torch.dtype = torch.float32) -> "UnmangleModel":
        from safetensors import SafetensorError
        from safetensors.torch import load_file
        from transformers import T5Config

        model_dir = Path(model_dir)
        try:
            config = T5Config.from_pretrained(str(model_dir), local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - transformers raises several types here
            raise ValueError(f"{model_dir / 'config.json'} is not a valid model config: {exc}") from None
        try:
            state = load_file(str(model_dir / "model.safetensors"))
        except (SafetensorError, OSError, ValueError) as exc:
            raise ValueError(f"{model_dir / 'model.safetensors'} cannot be read: {exc}") from None
        with torch.device("meta"):  # no random initialisation: every weight comes from the file
            model = cls(config)
        missing, unexpected = model.load_state_dict(
            {k: v.to(dtype) for k, v in state.items()}, strict=False, assign=True)
        missing = [k for k in missing if not _is_tied_copy(k)]
        if missing or unexpected:
            raise ValueError(
                f"{model_dir / 'model.safetensors'} does not match config.json "
                f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
        shared = model.t5.shared.weight
        model.t5.encoder.embed_tokens.weight = shared
        model.t5.decoder.embed_tokens.weight = shared
        model.t5.lm_head.weight = shared
        for name, buf in list(model.named_buffers()):
            if buf.is_meta:
                raise ValueError(f"{model_dir}: buffer {name} was not restored")
        return model.to(dtype).eval()


def _is_tied_copy(key: str) -> bool:
    """Weights T5 ties to ``t5.shared.weight``: stored once, restored by ``tie_weights``."""
    return key in ("t5.encoder.embed_tokens.weight", "t5.decoder.embed_tokens.weight", "t5.lm_head.weight")
