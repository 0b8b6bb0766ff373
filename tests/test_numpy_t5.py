"""The NumPy engine's building blocks against torch's (the engine itself: test_neural_model.py)."""

from __future__ import annotations

import numpy as np
import pytest

from unmangle.neural.numpy_t5 import position_buckets, read_safetensors, to_bf16

torch = pytest.importorskip("torch")


def test_bf16_rounding_is_torchs():
    gen = torch.Generator().manual_seed(0)
    x = torch.cat([torch.randn(20000, generator=gen) * 30,
                   torch.tensor([1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8, -1.0 - 2 ** -8, 0.0, -0.0, 1e-40])])  # ties, zero, subnormal
    assert np.array_equal(to_bf16(x.numpy()), x.to(torch.bfloat16).float().numpy())


@pytest.mark.parametrize("bidirectional", [True, False])
@pytest.mark.parametrize("q_len,k_len", [(1, 1), (7, 7), (1, 300), (200, 200)])
def test_position_buckets_are_torchs(q_len, k_len, bidirectional):
    from unmangle.neural.lean_t5 import _buckets

    relative = torch.arange(k_len)[None, :] - torch.arange(q_len)[:, None]
    expected = _buckets(relative, bidirectional, 32, 128).numpy()
    assert np.array_equal(position_buckets(q_len, k_len, bidirectional, 32, 128), expected)


def test_safetensors_reader_reads_what_safetensors_wrote(tmp_path):
    from safetensors.torch import load_file, save_file

    tensors = {"a": torch.randn(3, 5).to(torch.bfloat16), "b": torch.randn(4), "c": torch.randn(2, 2).half()}
    save_file(tensors, str(tmp_path / "m.safetensors"))
    got = read_safetensors(tmp_path / "m.safetensors")
    for name, tensor in load_file(str(tmp_path / "m.safetensors")).items():
        assert got[name].dtype == np.float32
        assert np.array_equal(got[name], tensor.float().numpy())


@pytest.mark.parametrize("damage,message", [
    (lambda data: data[:5], "too short"),
    (lambda data: data[:len(data) // 2], "beyond the end"),
    (lambda data: (2 ** 40).to_bytes(8, "little") + data[8:], "header length"),
    (lambda data: data[:8] + b"\xff" * 4 + data[12:], "unreadable header"),
])
def test_safetensors_reader_names_the_damage(tmp_path, damage, message):
    from safetensors.torch import save_file

    save_file({"a": torch.randn(64, 64)}, str(tmp_path / "m.safetensors"))
    path = tmp_path / "m.safetensors"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ValueError, match=message):
        read_safetensors(path)
