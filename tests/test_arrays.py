"""to_numpy / to_float over everything a training loop hands a writer."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from jupyter_tb._arrays import to_float, to_numpy


def test_torch_tensors_with_grad_and_odd_dtypes():
    weight = torch.arange(4.0, requires_grad=True)
    out = weight * 2
    assert to_numpy(out).tolist() == [0.0, 2.0, 4.0, 6.0]
    assert to_numpy(torch.tensor([1.5], dtype=torch.bfloat16)).dtype == np.float32
    assert to_numpy(torch.tensor([1j]).conj()).tolist() == [-1j]
    assert to_float(torch.tensor(2.5, requires_grad=True)) == 2.5


def test_copy_is_independent_of_the_tensor():
    tensor = torch.zeros(3)
    copied = to_numpy(tensor, copy=True)
    tensor += 1
    assert copied.tolist() == [0, 0, 0]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")
def test_cuda_tensor_is_moved_to_cpu():
    assert to_numpy(torch.ones(2, device="cuda", requires_grad=True)).tolist() == [1, 1]


def test_array_protocol_lists_and_numbers():
    class JaxLike:
        def __array__(self, dtype=None, copy=None):
            return np.arange(3)

    assert to_numpy(JaxLike()).tolist() == [0, 1, 2]
    assert to_numpy([1, torch.tensor(2), np.int8(3)]).tolist() == [1, 2, 3]
    assert to_numpy(3).shape == ()
    assert to_float(np.array([[7]])) == 7.0


def test_clear_errors():
    with pytest.raises(TypeError, match="string"):
        to_numpy("abc")
    with pytest.raises(TypeError, match="cannot convert"):
        to_numpy(object())
    with pytest.raises(ValueError, match="single value"):
        to_float([1, 2])
