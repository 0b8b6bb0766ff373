"""The bundled T5 at repair time in NumPy: repairing with a model needs no torch.

Importing torch takes over a second (1.19 s of a ready Repairer's 1.9 s, measured) and installing
it takes hundreds of megabytes, yet repair needs only the forward pass of a 14M-parameter model:
for one sentence, a few hundred small matrix products, which NumPy does faster than torch (less
overhead per product); torch wins on large batches (:mod:`unmangle.neural.engine`: NumPy by
default, torch on request). This module runs the same architecture as
:mod:`unmangle.neural.lean_t5` (T5 v1.1: pre-norm RMS layer norms, relative position buckets shared
by the layers of a stack, unscaled dot-product attention, gated-GELU feed-forward, tied embeddings
rescaled by d_model^-0.5) over a model folder's ``model.safetensors`` and ``config.json``.

``bf16`` reproduces the torch path's arithmetic: a Linear layer's input and output are rounded to
bfloat16 (round to nearest even), its weights are bfloat16 and it accumulates in float32; norms,
attention, the residual stream and the detector head stay float32. So the thresholds calibrated
with the torch path hold unchanged (tests compare the two on a trained model). ``fp32`` rounds
nothing.

A text gets the same numbers whatever else is in its batch, to the last bit: a repair must not
depend on whether a row came alone or with thousands of others. Two things break that in plain
float32 NumPy. Attention sums over the keys, whose number grows with a batch's padding: those
products and the softmax sum run in float64 (:func:`exact_matmul`), exact enough that the order
no longer shows after rounding to float32. And BLAS may sum a row of a matrix product in an order
that depends on how many rows the product has: OpenBLAS (as NumPy's wheels ship it, x86-64) does
for one to three rows (:func:`row_stable_matmul` pads those to 8) and, for some layer shapes, at
any row count (a 512 -> 128 layer, measured). Each layer's shape is therefore probed when a model
loads (:func:`blas_keeps_rows`); a shape this BLAS does not keep runs in float64. For the bundled
model's shapes (256 -> 256, 256 -> 1,024, 1,024 -> 256, 256 -> 16,000) OpenBLAS keeps rows, and
one call per MLQE-PE dev row gave the same repairs as one batched call on all 5,000. Float64 sums
(or fixed blocks of rows) for every product were measured at 1.6-2.3 times the time of a large
product, hence the probe. These guards cost about 5% of a document batch's time on the bundled
model. The torch path promises agreement to rounding only.

Arrays in and out: token ids and masks are int64 ``(batch, tokens)`` arrays; states are float32.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np

_MIN = np.finfo(np.float32).min
#: safetensors dtype name -> how to read it (bfloat16 is read as the high half of a float32).
_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None}


def to_bf16(x: np.ndarray) -> np.ndarray:
    """``x`` (float32) rounded to the nearest bfloat16 (ties to even), kept as float32."""
    bits = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    rounded = (bits + (0x7FFF + ((bits >> 16) & 1))) & np.uint32(0xFFFF0000)
    return rounded.view(np.float32)


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a safetensors file as a float32 array (the format is a little-endian
    header length, a JSON header of names, dtypes, shapes and byte ranges, then the raw data)."""
    data = path.read_bytes()
    if len(data) < 8:
        raise ValueError("file too short for a safetensors header")
    (length,) = struct.unpack("<Q", data[:8])
    if length > len(data) - 8:
        raise ValueError("header length beyond the end of the file")
    try:
        header = json.loads(data[8:8 + length])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"unreadable header: {exc}") from None
    body = memoryview(data)[8 + length:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype, shape, (a, b) = info["dtype"], tuple(info["shape"]), info["data_offsets"]
        if dtype not in _DTYPES:
            raise ValueError(f"tensor {name!r} has dtype {dtype}, not one of {', '.join(_DTYPES)}")
        if not 0 <= a <= b <= len(body):
            raise ValueError(f"tensor {name!r} lies beyond the end of the file")
        raw = body[a:b]
        if dtype == "BF16":
            array = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            array = np.frombuffer(raw, dtype=np.dtype(_DTYPES[dtype]).newbyteorder("<")).astype(np.float32)
        if array.size != math.prod(shape):
            raise ValueError(f"tensor {name!r}: {array.size} values for shape {shape}")
        out[name] = array.reshape(shape)
    return out


#: OpenBLAS computes a product of fewer rows than this by other kernels (matrix-vector for one row),
#: which sum in another order: padded to this many rows, a row's result no longer depends on how
#: many rows share the product, for the bundled model's layer shapes
#: (``tests/test_numpy_batch_invariance.py``).
MIN_PRODUCT_ROWS = 8


def row_stable_matmul(rows: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``rows @ weight`` whose every row is what it would be in a product with any other rows."""
    m = rows.shape[0]
    if m >= MIN_PRODUCT_ROWS:
        return rows @ weight
    padded = np.zeros((MIN_PRODUCT_ROWS, rows.shape[1]), dtype=rows.dtype)
    padded[:m] = rows
    return (padded @ weight)[:m]


def exact_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` summed in float64 and rounded once to float32: the result does not depend on the
    shapes around it. Attention's products sum over the keys, whose number grows with the padding
    of a batch; summed in float32 their rounding would change with what else is in the batch."""
    return np.matmul(a.astype(np.float64), b.astype(np.float64)).astype(np.float32)


#: Row counts a layer shape is probed at (:func:`blas_keeps_rows`), against one product of
#: :data:`PROBE_ROWS` rows: around the counts where BLAS switches kernels (fewer than 8 rows are
#: padded to 8, so 1 stands for them), and a few larger ones.
PROBE_COUNTS = (1, 8, 9, 12, 16, 31, 64, 100)
PROBE_ROWS = 300
_ROWS_KEPT: dict[tuple[int, int], bool] = {}


def blas_keeps_rows(weight: np.ndarray) -> bool:
    """Whether this process's BLAS gives each row of a product with ``weight`` (float32, inputs
    times weight) the same result at every probed row count (:func:`row_stable_matmul`).

    Measured once per shape and process (about 40 ms for the bundled model's 256 -> 16,000 output
    layer, a few ms for each of the others). OpenBLAS on x86-64 keeps rows for every layer shape of the
    bundled model and not for a 512 -> 128 layer; a layer whose shape fails runs in float64
    (:func:`exact_matmul`), about twice as slow, so every model stays batch-independent.
    """
    key = (int(weight.shape[0]), int(weight.shape[1]))
    if key not in _ROWS_KEPT:
        rng = np.random.default_rng(0)
        x = to_bf16(rng.standard_normal((PROBE_ROWS, key[0])).astype(np.float32))
        w = np.ascontiguousarray(weight, dtype=np.float32)
        reference = row_stable_matmul(x, w)
        _ROWS_KEPT[key] = all(np.array_equal(row_stable_matmul(x[:m], w), reference[:m]) for m in PROBE_COUNTS)
    return _ROWS_KEPT[key]


class _Linear:
    """A bias-free Linear layer: ``x @ weight.T``, in bfloat16 arithmetic when ``bf16``; in float64
    sums where this BLAS would make a row's result depend on the other rows."""

    def __init__(self, weight: np.ndarray, bf16: bool) -> None:
        self.bf16 = bf16
        w = np.ascontiguousarray(weight.T, dtype=np.float32)
        self.w = to_bf16(w) if bf16 else w
        self.product = row_stable_matmul if blas_keeps_rows(self.w) else exact_matmul

    def __call__(self, x: np.ndarray) -> np.ndarray:
        rows = x.reshape(-1, x.shape[-1])
        if self.bf16:
            out = to_bf16(self.product(to_bf16(rows), self.w))
        else:
            out = self.product(rows, self.w)
        return out.reshape(*x.shape[:-1], self.w.shape[1])


def _rms_norm(x: np.ndarray, weight: np.ndarray, eps: float) -> np.ndarray:
    return x * (1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + np.float32(eps))) * weight


def _softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over keys, normalised by a float64 sum (padded keys add exact zeros, but a float32
    sum's order changes with the length)."""
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True, dtype=np.float64).astype(np.float32)


def log_softmax(x: np.ndarray) -> np.ndarray:
    """Log-probabilities over the last axis (float32)."""
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(np.float32(math.sqrt(2.0 / math.pi)) * (x + np.float32(0.044715) * x * x * x)))


def position_buckets(q_len: int, k_len: int, bidirectional: bool, num_buckets: int, max_distance: int) -> np.ndarray:
    """T5's relative position buckets (exact for small distances, logarithmic up to
    ``max_distance``), computed in float32 as the torch path does."""
    relative = np.arange(k_len)[None, :] - np.arange(q_len)[:, None]
    out = np.zeros_like(relative)
    if bidirectional:
        num_buckets //= 2
        out += (relative > 0).astype(np.int64) * num_buckets
        relative = np.abs(relative)
    else:
        relative = -np.minimum(relative, 0)
    exact = num_buckets // 2
    scaled = (np.log(np.maximum(relative, 1).astype(np.float32) / np.float32(exact))
              / np.float32(math.log(max_distance / exact)) * np.float32(num_buckets - exact))
    large = np.minimum(exact + scaled.astype(np.int64), num_buckets - 1)
    return out + np.where(relative < exact, relative, large)


def _additive(mask: np.ndarray) -> np.ndarray:
    """(batch, keys) 1/0 mask -> (batch, 1, 1, keys) additive mask."""
    return ((1.0 - mask[:, None, None, :].astype(np.float32)) * _MIN).astype(np.float32)


class _Attention:
    def __init__(self, weights: dict[str, np.ndarray], prefix: str, heads: int, d_kv: int, bf16: bool) -> None:
        self.heads, self.d_kv = heads, d_kv
        self.q, self.k, self.v, self.o = (_Linear(weights[f"{prefix}.{n}.weight"], bf16) for n in "qkvo")

    def _split(self, x: np.ndarray) -> np.ndarray:
        return x.reshape(x.shape[0], x.shape[1], self.heads, self.d_kv).transpose(0, 2, 1, 3)

    def keys_values(self, memory: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.ascontiguousarray(self._split(self.k(memory))),
                np.ascontiguousarray(self._split(self.v(memory))))

    def __call__(self, x: np.ndarray, memory: np.ndarray | None, bias: np.ndarray,
                 kv: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        q = self._split(self.q(x))
        k, v = kv if kv is not None else self.keys_values(memory)
        scores = exact_matmul(q, k.transpose(0, 1, 3, 2)) + bias  # T5 does not scale q.k
        out = exact_matmul(_softmax(scores), v)
        return self.o(out.transpose(0, 2, 1, 3).reshape(x.shape[0], x.shape[1], -1))


class _Block:
    def __init__(self, weights: dict[str, np.ndarray], prefix: str, cfg: dict, cross: bool, bf16: bool) -> None:
        self.eps = cfg["layer_norm_epsilon"]
        heads, d_kv = cfg["num_heads"], cfg["d_kv"]
        self.self_norm = weights[f"{prefix}.self_norm.weight"]
        self.self_attn = _Attention(weights, f"{prefix}.self_attn", heads, d_kv, bf16)
        self.cross_norm = weights[f"{prefix}.cross_norm.weight"] if cross else None
        self.cross_attn = _Attention(weights, f"{prefix}.cross_attn", heads, d_kv, bf16) if cross else None
        self.ff_norm = weights[f"{prefix}.ff_norm.weight"]
        self.wi_0, self.wi_1, self.wo = (_Linear(weights[f"{prefix}.ff.{n}.weight"], bf16)
                                         for n in ("wi_0", "wi_1", "wo"))

    def __call__(self, x, self_bias, cross_kv=None, cross_bias=None):
        h = _rms_norm(x, self.self_norm, self.eps)
        x = x + self.self_attn(h, h, self_bias)
        if self.cross_attn is not None:
            x = x + self.cross_attn(_rms_norm(x, self.cross_norm, self.eps), None, cross_bias, kv=cross_kv)
        h = _rms_norm(x, self.ff_norm, self.eps)
        return x + self.wo(_gelu_tanh(self.wi_0(h)) * self.wi_1(h))


class _Stack:
    def __init__(self, weights: dict[str, np.ndarray], name: str, cfg: dict, layers: int, bf16: bool) -> None:
        self.decoder = name == "decoder"
        self.num_buckets = cfg["relative_attention_num_buckets"]
        self.max_distance = cfg.get("relative_attention_max_distance", 128)
        self.relative_bias = weights[f"{name}.relative_bias.weight"]
        self.blocks = [_Block(weights, f"{name}.blocks.{i}", cfg, self.decoder, bf16) for i in range(layers)]
        self.final_norm = weights[f"{name}.final_norm.weight"]
        self.eps = cfg["layer_norm_epsilon"]
        self._bias_cache: dict[tuple[int, int], np.ndarray] = {}

    def position_bias(self, q_len: int, k_len: int) -> np.ndarray:
        """(1, heads, q, k) relative-position bias (cached: it depends on the lengths alone)."""
        key = (q_len, k_len)
        bias = self._bias_cache.get(key)
        if bias is None:
            buckets = position_buckets(q_len, k_len, not self.decoder, self.num_buckets, self.max_distance)
            bias = np.ascontiguousarray(self.relative_bias[buckets].transpose(2, 0, 1)[None])
            if len(self._bias_cache) < 4096:
                self._bias_cache[key] = bias
        return bias


class NumpyT5:
    """Encoder, decoder and detector head of an unmangle model folder, for inference only.

    The same methods as :class:`unmangle.neural.lean_t5.LeanT5` (what the detector and the
    rewriter ask of a model), on NumPy arrays.
    """

    def __init__(self, cfg: dict, weights: dict[str, np.ndarray], precision: str = "bf16") -> None:
        if precision not in ("bf16", "fp32"):
            raise ValueError(f"NumpyT5 runs bf16 or fp32, not {precision!r}")
        bf16 = precision == "bf16"
        self.cfg, self.precision = cfg, precision
        self.shared = weights["shared.weight"]
        self.encoder = _Stack(weights, "encoder", cfg, cfg["num_layers"], bf16)
        self.decoder = _Stack(weights, "decoder", cfg, cfg.get("num_decoder_layers") or cfg["num_layers"], bf16)
        self.detector_w = weights["detector.weight"].T.astype(np.float32)
        self.detector_b = weights["detector.bias"].astype(np.float32)
        self.lm_head = _Linear(self.shared, bf16)  # tied: the embedding matrix is the output layer
        self.start_id = cfg.get("decoder_start_token_id", 0)
        self.out_scale = np.float32(cfg["d_model"] ** -0.5)

    # --- the three things the neural stage asks of a model ----------------------------------
    def encode(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        x = self.shared[input_ids]
        bias = self.encoder.position_bias(x.shape[1], x.shape[1]) + _additive(attention_mask)
        for block in self.encoder.blocks:
            x = block(x, bias)
        return _rms_norm(x, self.encoder.final_norm, self.encoder.eps)

    def detect_logits(self, hidden: np.ndarray) -> np.ndarray:
        """Per-token corruption logits from encoder states, shape (batch, tokens)."""
        return (exact_matmul(hidden, self.detector_w) + self.detector_b)[..., 0]

    def cross_keys_values(self, hidden: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each decoder layer's keys and values of the encoder states (computed once per batch)."""
        return [block.cross_attn.keys_values(hidden) for block in self.decoder.blocks]

    def decoder_logits(self, hidden: np.ndarray, attention_mask: np.ndarray, decoder_input_ids: np.ndarray, *,
                       cross_kv=None, last_only: bool = False) -> np.ndarray:
        """Next-token logits at every decoder position (teacher forcing), shape (b, t, vocab);
        only at the last position with ``last_only``."""
        y = self.shared[decoder_input_ids]
        t = y.shape[1]
        causal = np.triu(np.full((t, t), _MIN, dtype=np.float32), 1)
        self_bias = self.decoder.position_bias(t, t) + causal
        cross_bias = _additive(attention_mask)
        cross_kv = cross_kv if cross_kv is not None else self.cross_keys_values(hidden)
        for block, kv in zip(self.decoder.blocks, cross_kv):
            y = block(y, self_bias, kv, cross_bias)
        if last_only:
            y = y[:, -1:, :]
        y = _rms_norm(y, self.decoder.final_norm, self.decoder.eps) * self.out_scale
        return self.lm_head(y)

    def shift_right(self, labels: np.ndarray, pad_id: int) -> np.ndarray:
        return shift_right(labels, self.start_id, pad_id)

    def greedy(self, hidden: np.ndarray, attention_mask: np.ndarray, max_new_tokens: int,
               eos_id: int, pad_id: int, banned: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        return greedy_decode(self, hidden, attention_mask, max_new_tokens, eos_id, pad_id, banned)

    # --- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, model_dir: str | Path, precision: str = "bf16") -> "NumpyT5":
        """Read ``config.json`` and ``model.safetensors`` of a model folder."""
        model_dir = Path(model_dir)
        cfg = read_config(model_dir)
        try:
            raw = read_safetensors(model_dir / "model.safetensors")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{model_dir / 'model.safetensors'} cannot be read: {exc}") from None
        weights = {}
        for key, value in raw.items():
            name = rename_weight(key)
            if name is not None:
                weights[name] = value
        try:
            return cls(cfg, weights, precision)
        except KeyError as exc:
            raise ValueError(f"{model_dir / 'model.safetensors'} does not match config.json "
                             f"(missing {exc.args[0]})") from None


def greedy_decode(network, hidden: np.ndarray, attention_mask: np.ndarray, max_new_tokens: int,
                  eos_id: int, pad_id: int, banned: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Greedy decoding with ``network``'s decoder (3 small layers: re-running it per step is cheap).

    Token ``banned`` is never produced (the stage bans ``<keep>`` so that the decoder always
    proposes a change). Finished rows are padded with ``pad_id``. Returns the tokens and each
    row's log-probability of them up to its end-of-sequence, under the model's unbanned
    distribution (what scoring the tokens afterwards would give, without a second pass).
    """
    b = hidden.shape[0]
    out = np.full((b, 1), network.start_id, dtype=np.int64)
    done = np.zeros(b, dtype=bool)
    total = np.zeros(b, dtype=np.float32)
    cross_kv = network.cross_keys_values(hidden)
    for _ in range(max_new_tokens):
        logits = network.decoder_logits(hidden, attention_mask, out, cross_kv=cross_kv, last_only=True)[:, -1, :]
        logp = log_softmax(logits)
        if banned is not None:
            logits[:, banned] = -np.inf
        nxt = logits.argmax(-1)
        total += np.where(done, np.float32(0.0), logp[np.arange(b), nxt])
        nxt = np.where(done, pad_id, nxt)
        out = np.concatenate([out, nxt[:, None]], axis=1)
        done |= nxt == eos_id
        if done.all():
            break
    return out[:, 1:], total


def shift_right(labels: np.ndarray, start_id: int, pad_id: int) -> np.ndarray:
    """Decoder inputs for teacher forcing: ``labels`` one step late after the start token, with
    ignored positions (-100) as padding."""
    shifted = np.concatenate([np.full((labels.shape[0], 1), start_id, dtype=labels.dtype), labels[:, :-1]], axis=1)
    return np.where(shifted == -100, pad_id, shifted)


def read_config(model_dir: Path) -> dict:
    """A model folder's ``config.json``, checked to be a T5 this module can run."""
    try:
        cfg = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        cfg.setdefault("relative_attention_num_buckets", 32)
        cfg.setdefault("layer_norm_epsilon", 1e-6)
        for key in ("vocab_size", "d_model", "d_ff", "d_kv", "num_heads", "num_layers"):
            int(cfg[key])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{model_dir / 'config.json'} is not a valid model config: {exc}") from None
    if cfg.get("feed_forward_proj", "gated-gelu") != "gated-gelu" or not cfg.get("tie_word_embeddings", True):
        raise ValueError(f"{model_dir / 'config.json'}: only gated-GELU T5 with tied embeddings is supported")
    return cfg


def rename_weight(key: str) -> str | None:
    """A transformers T5 weight name -> the inference modules' name (None: not used at inference)."""
    if key in ("detector.weight", "detector.bias"):
        return key
    if not key.startswith("t5."):
        return key
    key = key[3:]
    if key == "shared.weight":
        return key
    stack, rest = key.split(".", 1)
    if stack not in ("encoder", "decoder"):
        return None
    if rest == "final_layer_norm.weight":
        return f"{stack}.final_norm.weight"
    if rest == "embed_tokens.weight":
        return None
    parts = rest.split(".")  # block.{i}.layer.{j}.{module}...
    i, j, module, tail = parts[1], int(parts[3]), parts[4], ".".join(parts[5:])
    if module == "SelfAttention" and tail == "relative_attention_bias.weight":
        return f"{stack}.relative_bias.weight" if i == "0" else None
    ff_layer = 2 if stack == "decoder" else 1
    if j == 0:
        sub = "self_norm" if module == "layer_norm" else "self_attn"
    elif j == ff_layer:
        sub = "ff_norm" if module == "layer_norm" else "ff"
    else:
        if tail == "relative_attention_bias.weight":
            return None
        sub = "cross_norm" if module == "layer_norm" else "cross_attn"
    return f"{stack}.blocks.{i}.{sub}.{tail}"
