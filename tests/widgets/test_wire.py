import json

import numpy as np

from jupyter_tb.widgets.wire import pack, unpack


def test_arrays_become_buffers_with_descriptors():
    message = {
        "type": "series",
        "step": np.arange(5, dtype=np.int64),
        "nested": [{"v": np.array([1.5, 2.5], dtype=">f8")}],
        "data": b"\x89PNG",
    }
    content, buffers = pack(message)
    json.dumps(content)  # JSON part holds no arrays
    assert content["step"] == {"buffer": 0, "dtype": "float64", "shape": [5]}
    assert content["nested"][0]["v"]["dtype"] == "float64"
    assert content["data"] == {"buffer": 2, "dtype": "uint8", "shape": [4]}
    assert all(isinstance(b, memoryview) and b.c_contiguous for b in buffers)
    assert bytes(buffers[1]) == np.array([1.5, 2.5], dtype="<f8").tobytes()  # little-endian
    back = unpack(content, buffers)
    np.testing.assert_array_equal(back["step"], np.arange(5))
    np.testing.assert_array_equal(back["nested"][0]["v"], [1.5, 2.5])


def test_non_contiguous_and_2d_arrays():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::2]
    content, buffers = pack({"a": a})
    assert content["a"]["shape"] == [3, 2]
    np.testing.assert_array_equal(unpack(content, buffers)["a"], a)
    content, _ = pack({"flag": np.array([True, False]), "n": np.int64(3)})
    assert content["flag"]["dtype"] == "uint8" and content["n"] == 3
