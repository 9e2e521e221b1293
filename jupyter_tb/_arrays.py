"""Turn whatever a training loop hands us into numpy.

Accepted: Python numbers and sequences, numpy arrays and scalars, torch tensors (on any device,
with or without ``requires_grad``: detached and moved to the CPU here, where tensorboardX would
fail), and anything exposing ``__array__`` (JAX, CuPy via ``get``, xarray, ...). torch is never
imported by this module; tensors are recognised by their methods.
"""

from __future__ import annotations

import numbers

import numpy as np


def to_numpy(value, *, copy: bool = False) -> np.ndarray:
    """``value`` as a numpy array; ``copy=True`` guarantees the result shares no memory."""
    if isinstance(value, np.ndarray):
        return value.copy() if copy else value
    if isinstance(value, (numbers.Number, np.generic)):
        return np.asarray(value)
    if isinstance(value, (str, bytes)):
        raise TypeError(f"expected a number or an array, got a string: {value!r:.80}")
    if _is_torch_tensor(value):
        tensor = value.detach()
        if tensor.device.type != "cpu":
            tensor = tensor.cpu()  # already a fresh copy
            copy = False
        if str(tensor.dtype) in _NO_NUMPY_TWIN:
            tensor = tensor.float()
        array = tensor.resolve_conj().resolve_neg().numpy()
        return array.copy() if copy else array
    if hasattr(value, "__array__"):
        array = np.asarray(value)
    elif isinstance(value, (list, tuple)):
        array = np.asarray([to_numpy(item) for item in value]) if value else np.asarray(value)
    else:
        raise TypeError(f"cannot convert {type(value).__module__}.{type(value).__qualname__} to an array")
    if array.dtype == object:
        raise TypeError(f"cannot convert {type(value).__qualname__} to a numeric array")
    return array.copy() if copy else array


def to_float(value) -> float:
    """One Python float from a number, 0-d/1-element array or tensor (the add_scalar path)."""
    if type(value) is float:
        return value
    if type(value) is int or isinstance(value, (numbers.Real, np.generic)):
        return float(value)
    if _is_torch_tensor(value) and value.numel() == 1:
        return float(value.item())  # a loss tensor: one item, any device, grad or not
    array = to_numpy(value)
    if array.size != 1:
        raise ValueError(f"expected a single value, got an array of shape {array.shape}")
    return float(array.reshape(()))


def _is_torch_tensor(value) -> bool:
    module = type(value).__module__
    return module.startswith("torch") and hasattr(value, "detach") and hasattr(value, "device")


# torch dtypes numpy cannot hold; widened to float32 (by name so torch is never imported)
_NO_NUMPY_TWIN = {"torch.bfloat16", "torch.float8_e4m3fn", "torch.float8_e5m2"}
