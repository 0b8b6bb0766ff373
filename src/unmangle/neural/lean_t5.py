"""The bundled T5 in torch, without importing transformers: the engine for large batches and int8.

Training uses transformers' ``T5ForConditionalGeneration``; repairing needs only its forward pass,
and importing transformers' modelling code costs more than a second (it pulls in torch's compiler
and distributed packages). Small calls run on NumPy instead (:mod:`unmangle.neural.numpy_t5`; which
engine runs a call: :mod:`unmangle.neural.engine`). This module re-implements the inference path of
the same architecture (T5 v1.1: pre-norm RMS layer norms, relative position buckets shared by the
layers of a stack, unscaled dot-product attention, gated-GELU feed-forward, tied embeddings rescaled
by d_model^-0.5) over the same ``model.safetensors`` and ``config.json``. Tests check that its scores equal
transformers' to rounding on a trained model folder.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..model_folder import check_precision
from .numpy_t5 import read_config, rename_weight


class _RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.rms_norm(x, (x.shape[-1],), self.weight, self.eps)


def _buckets(relative: torch.Tensor, bidirectional: bool, num_buckets: int, max_distance: int) -> torch.Tensor:
    """T5's relative position buckets (exact for small distances, logarithmic up to max_distance)."""
    out = torch.zeros_like(relative)
    if bidirectional:
        num_buckets //= 2
        out += (relative > 0).long() * num_buckets
        relative = relative.abs()
    else:
        relative = -torch.clamp(relative, max=0)
    exact = num_buckets // 2
    large = exact + (torch.log(relative.float().clamp(min=1) / exact) / math.log(max_distance / exact)
                     * (num_buckets - exact)).long()
    large = torch.clamp(large, max=num_buckets - 1)
    return out + torch.where(relative < exact, relative, large)


class _Attention(nn.Module):
    def __init__(self, d_model: int, heads: int, d_kv: int) -> None:
        super().__init__()
        inner = heads * d_kv
        self.heads, self.d_kv = heads, d_kv
        self.q = nn.Linear(d_model, inner, bias=False)
        self.k = nn.Linear(d_model, inner, bias=False)
        self.v = nn.Linear(d_model, inner, bias=False)
        self.o = nn.Linear(inner, d_model, bias=False)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(x.shape[0], x.shape[1], self.heads, self.d_kv).transpose(1, 2)

    def keys_values(self, memory: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self._split(self.k(memory)), self._split(self.v(memory))

    def forward(self, x: torch.Tensor, memory: torch.Tensor | None, bias: torch.Tensor,
                kv: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        """``bias``: relative-position bias plus additive mask, broadcastable to (b, h, q, k);
        ``kv``: keys and values of ``memory`` computed beforehand (decoding reuses them)."""
        q = self._split(self.q(x))
        k, v = kv if kv is not None else self.keys_values(memory)
        # in float32 whatever the weights: oneDNN's bf16 batched matmul keeps memory for every new
        # shape it meets, and sentence lengths make many (measured: +870 MB over 800 shapes)
        scores = q.float() @ k.float().transpose(-1, -2) + bias.float()  # T5 does not scale q.k
        out = torch.softmax(scores, dim=-1) @ v.float()
        return self.o(out.to(x.dtype).transpose(1, 2).reshape(x.shape[0], x.shape[1], -1))


class _BF16Linear(nn.Module):
    """A bias-free Linear layer in bfloat16 (float32 in and out) that computes at a few fixed row
    counts.

    oneDNN builds and keeps a kernel for every matrix shape it meets, and at repair time the
    number of rows (tokens in a batch) takes hundreds of values: the memory grows without bound
    (measured: 16 GB after 2,000 row counts on the 16,000-word output layer). Rows are therefore
    computed in blocks of at most ``BLOCK``, each padded with zero rows to a multiple of ``STEP``,
    or of ``SMALL_STEP`` up to ``STEP`` rows: at most ``BLOCK / STEP + STEP / SMALL_STEP - 1``
    shapes per layer. The small steps are for one-sentence calls, whose few rows padded to 32
    made the 16,000-word output layer cost several times its work (measured: a sentence repaired
    10% faster). Each row's result does not depend on the others,
    except on CPUs with AMX, where oneDNN's kernel for some row counts rounds differently.
    """

    BLOCK, STEP, SMALL_STEP = 512, 32, 8

    def __init__(self, weight: torch.Tensor) -> None:
        super().__init__()
        self.weight = nn.Parameter(weight.detach().to(torch.bfloat16), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.reshape(-1, x.shape[-1]).to(torch.bfloat16)
        w = self.weight.t()
        out = rows.new_empty((rows.shape[0], w.shape[1]))
        for i in range(0, rows.shape[0], self.BLOCK):
            part = rows[i:i + self.BLOCK]
            n = part.shape[0]
            step = self.SMALL_STEP if n < self.STEP else self.STEP
            padded = -(-n // step) * step
            if padded == n:
                torch.mm(part, w, out=out[i:i + n])
            else:
                out[i:i + n] = torch.mm(torch.cat([part, part.new_zeros((padded - n, part.shape[1]))]), w)[:n]
        return out.view(*x.shape[:-1], w.shape[1]).to(x.dtype)


def _to_bf16(module: nn.Module) -> None:
    """Replace every bias-free Linear layer under ``module`` with a :class:`_BF16Linear`."""
    for name, child in module.named_children():
        if isinstance(child, nn.Linear) and child.bias is None:
            setattr(module, name, _BF16Linear(child.weight))
        else:
            _to_bf16(child)


class _FeedForward(nn.Module):
    def __init__(self, d_model: int, d_ff: int) -> None:
        super().__init__()
        self.wi_0 = nn.Linear(d_model, d_ff, bias=False)
        self.wi_1 = nn.Linear(d_model, d_ff, bias=False)
        self.wo = nn.Linear(d_ff, d_model, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.wo(F.gelu(self.wi_0(x), approximate="tanh") * self.wi_1(x))


class _Block(nn.Module):
    def __init__(self, cfg: dict, cross: bool) -> None:
        super().__init__()
        d, eps = cfg["d_model"], cfg["layer_norm_epsilon"]
        self.self_norm = _RMSNorm(d, eps)
        self.self_attn = _Attention(d, cfg["num_heads"], cfg["d_kv"])
        self.cross_norm = _RMSNorm(d, eps) if cross else None
        self.cross_attn = _Attention(d, cfg["num_heads"], cfg["d_kv"]) if cross else None
        self.ff_norm = _RMSNorm(d, eps)
        self.ff = _FeedForward(d, cfg["d_ff"])

    def forward(self, x, self_bias, cross_kv=None, cross_bias=None):
        h = self.self_norm(x)
        x = x + self.self_attn(h, h, self_bias)
        if self.cross_attn is not None:
            x = x + self.cross_attn(self.cross_norm(x), None, cross_bias, kv=cross_kv)
        return x + self.ff(self.ff_norm(x))


class _Stack(nn.Module):
    def __init__(self, cfg: dict, layers: int, decoder: bool) -> None:
        super().__init__()
        self.decoder = decoder
        self.num_buckets = cfg["relative_attention_num_buckets"]
        self.max_distance = cfg.get("relative_attention_max_distance", 128)
        self.relative_bias = nn.Embedding(self.num_buckets, cfg["num_heads"])
        self.blocks = nn.ModuleList(_Block(cfg, cross=decoder) for _ in range(layers))
        self.final_norm = _RMSNorm(cfg["d_model"], cfg["layer_norm_epsilon"])

    def position_bias(self, q_len: int, k_len: int) -> torch.Tensor:
        relative = torch.arange(k_len)[None, :] - torch.arange(q_len)[:, None]
        buckets = _buckets(relative, not self.decoder, self.num_buckets, self.max_distance)
        return self.relative_bias(buckets).permute(2, 0, 1).unsqueeze(0)  # (1, heads, q, k)


def _additive(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(batch, keys) 1/0 mask -> (batch, 1, 1, keys) additive mask."""
    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


class LeanT5(nn.Module):
    """Encoder, decoder and detector head of an unmangle model folder, for inference only."""

    def __init__(self, cfg: dict) -> None:
        super().__init__()
        self.cfg = cfg
        self.shared = nn.Embedding(cfg["vocab_size"], cfg["d_model"])
        self.encoder = _Stack(cfg, cfg["num_layers"], decoder=False)
        self.decoder = _Stack(cfg, cfg.get("num_decoder_layers") or cfg["num_layers"], decoder=True)
        self.detector = nn.Linear(cfg["d_model"], 1)
        # the output projection is the embedding matrix (tied); as a Linear it can be quantised
        self.lm_head = nn.Linear(cfg["d_model"], cfg["vocab_size"], bias=False)
        self.start_id = cfg.get("decoder_start_token_id", 0)

    # --- the three things the neural stage asks of a model ----------------------------------
    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = self.shared(input_ids)
        bias = self.encoder.position_bias(x.shape[1], x.shape[1]) + _additive(attention_mask, x.dtype)
        for block in self.encoder.blocks:
            x = block(x, bias)
        return self.encoder.final_norm(x)

    def detect_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """Per-token corruption logits from encoder states, shape (batch, tokens)."""
        return self.detector(hidden.float()).squeeze(-1)

    def cross_keys_values(self, hidden: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Each decoder layer's keys and values of the encoder states (computed once per batch)."""
        return [block.cross_attn.keys_values(hidden) for block in self.decoder.blocks]

    def decoder_logits(self, hidden: torch.Tensor, attention_mask: torch.Tensor,
                       decoder_input_ids: torch.Tensor, *, cross_kv=None, last_only: bool = False) -> torch.Tensor:
        """Next-token logits at every decoder position (teacher forcing), shape (b, t, vocab);
        only at the last position with ``last_only``."""
        y = self.shared(decoder_input_ids)
        t = y.shape[1]
        causal = torch.full((t, t), torch.finfo(y.dtype).min, dtype=y.dtype).triu(1)
        self_bias = self.decoder.position_bias(t, t) + causal
        cross_bias = _additive(attention_mask, y.dtype)
        cross_kv = cross_kv if cross_kv is not None else self.cross_keys_values(hidden)
        for block, kv in zip(self.decoder.blocks, cross_kv):
            y = block(y, self_bias, kv, cross_bias)
        if last_only:
            y = y[:, -1:, :]
        y = self.decoder.final_norm(y) * (self.cfg["d_model"] ** -0.5)  # tied embeddings
        return self.lm_head(y)

    def for_inference(self, precision: str = "bf16") -> nn.Module:
        """This model ready to run at ``precision`` (see :data:`unmangle.neural.model_dir.PRECISIONS`).

        ``bf16`` runs the Linear layers (nearly all the arithmetic) in bfloat16 and the rest
        (norms, attention, the residual stream, the detector head) in float32. Every row of a
        batch is computed on its own, so a sentence scores the same, to float rounding, whatever
        else is in its batch (on CPUs with AMX, oneDNN's bf16 products round a row slightly
        differently at some row counts, and scores move by up to 0.06 nats: measured); on a CPU
        with AVX-512 BF16 it is about twice as fast as ``fp32``.
        ``int8`` dynamically quantises the Linear layers: faster still, but their input scale is
        taken over the whole batch, so an edit whose evidence sits near the threshold can depend
        on the batch. ``fp32`` is the reference.
        """
        check_precision(precision)
        model = self.float().eval()
        if precision == "bf16":
            _to_bf16(model)  # the tied output layer gets its own bf16 copy; the embedding stays float32
        elif precision == "int8":
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # quantize_dynamic's deprecation notice
                model = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
        return model

    # --- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, model_dir: str | Path) -> "LeanT5":
        """Read ``config.json`` and ``model.safetensors`` of a model folder (float32 weights)."""
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        model_dir = Path(model_dir)
        cfg = read_config(model_dir)
        try:
            state = load_file(str(model_dir / "model.safetensors"))
        except (SafetensorError, OSError, ValueError) as exc:
            raise ValueError(f"{model_dir / 'model.safetensors'} cannot be read: {exc}") from None
        # built on the CPU and overwritten: cheaper than the meta device, whose first use imports
        # torch's compiler (over a second)
        model = cls(cfg)
        mapped = {}
        for key, value in state.items():
            name = rename_weight(key)
            if name is not None:
                mapped[name] = value.float()
        missing, unexpected = model.load_state_dict(mapped, strict=False, assign=True)
        missing = [k for k in missing if k != "lm_head.weight"]
        if missing or unexpected:
            raise ValueError(f"{model_dir / 'model.safetensors'} does not match config.json "
                             f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
        model.lm_head.weight = model.shared.weight
        return model.eval()

