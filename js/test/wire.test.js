// lib/wire.js: {buffer, dtype, shape} descriptors -> typed arrays over the message's bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decode, toTypedArray } from "../src/lib/wire.js";

const DTYPES = {
  float64: Float64Array, float32: Float32Array, int32: Int32Array, uint32: Uint32Array,
  int16: Int16Array, uint16: Uint16Array, int8: Int8Array, uint8: Uint8Array,
};

// little-endian bytes of `values` as `Type`, placed `offset` bytes into a larger buffer
function bytesAt(Type, values, offset, pad = 5) {
  const src = new Uint8Array(Type.from(values).buffer);
  const whole = new Uint8Array(offset + src.length + pad).fill(0xee);
  whole.set(src, offset);
  return whole;
}

test("every wire dtype decodes from an ArrayBuffer", () => {
  for (const [dtype, Type] of Object.entries(DTYPES)) {
    const values = [1, 2, 3, -4, 100].map((v) => (dtype.startsWith("uint") ? Math.abs(v) : v));
    const array = toTypedArray({ buffer: 0, dtype, shape: [5] }, [Type.from(values).buffer]);
    assert.ok(array instanceof Type, dtype);
    assert.deepEqual(Array.from(array), values, dtype);
  }
});

test("a DataView's byteOffset and length are honoured (no copy when aligned)", () => {
  const whole = bytesAt(Float64Array, [0.5, -1.25, 3], 16);
  const view = new DataView(whole.buffer, 16, 24);
  const array = toTypedArray({ buffer: 0, dtype: "float64", shape: [3] }, [view]);
  assert.deepEqual(Array.from(array), [0.5, -1.25, 3]);
  assert.equal(array.buffer, whole.buffer); // a view over the same bytes
  assert.equal(array.byteOffset, 16);
});

test("misaligned offsets are copied once, for every multi-byte dtype", () => {
  for (const [dtype, Type] of Object.entries(DTYPES)) {
    if (Type.BYTES_PER_ELEMENT === 1) continue;
    const values = [7, 8, 9];
    const whole = bytesAt(Type, values, 3);
    const array = toTypedArray({ buffer: 0, dtype, shape: [3] }, [new DataView(whole.buffer, 3, 3 * Type.BYTES_PER_ELEMENT)]);
    assert.deepEqual(Array.from(array), values, dtype);
    assert.notEqual(array.buffer, whole.buffer, dtype);
  }
  const bytes = bytesAt(Uint8Array, [1, 2, 3], 3); // one-byte types are never misaligned
  assert.equal(toTypedArray({ buffer: 0, dtype: "uint8", shape: [3] }, [new DataView(bytes.buffer, 3, 3)]).buffer, bytes.buffer);
});

test("shapes: the element count is their product, the shape is kept, empty arrays work", () => {
  const array = toTypedArray({ buffer: 0, dtype: "int32", shape: [2, 3] }, [Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]).buffer]);
  assert.equal(array.length, 6);
  assert.deepEqual(array.shape, [2, 3]);
  assert.equal(toTypedArray({ buffer: 0, dtype: "float32", shape: [0, 4] }, [new ArrayBuffer(0)]).length, 0);
});

test("bad descriptors fail loudly: unknown dtype, missing or short buffer", () => {
  assert.throws(() => toTypedArray({ buffer: 0, dtype: "int64", shape: [1] }, [new ArrayBuffer(8)]), /unsupported dtype int64/);
  assert.throws(() => toTypedArray({ buffer: 2, dtype: "uint8", shape: [1] }, [new ArrayBuffer(8)]), /buffer 2 missing/);
  assert.throws(() => toTypedArray({ buffer: 0, dtype: "float64", shape: [2] }, [new ArrayBuffer(12)]), /needs 16/);
  const whole = bytesAt(Float64Array, [1], 3, 0); // misaligned and short: no silent truncation
  assert.throws(() => toTypedArray({ buffer: 0, dtype: "float64", shape: [2] }, [new DataView(whole.buffer, 3, 8)]), /needs 16/);
});

test("decode replaces descriptors at any depth and leaves everything else alone", () => {
  const buffers = [Float32Array.from([1.5, 2.5]).buffer, Uint8Array.from([9, 8, 7]).buffer];
  const msg = {
    type: "series", run: "a", meta: { nested: [{ x: { buffer: 0, dtype: "float32", shape: [2] } }] },
    bytes: { buffer: 1, dtype: "uint8", shape: [3] },
    // not descriptors: an extra key, a string buffer, a non-array shape
    extra: { buffer: 0, dtype: "uint8", shape: [1], name: "x" },
    text: { buffer: "0", dtype: "uint8", shape: [1] },
    odd: { buffer: 0, dtype: "uint8", shape: 1 },
    list: [1, "two", null],
  };
  const out = decode(msg, buffers);
  assert.deepEqual(Array.from(out.meta.nested[0].x), [1.5, 2.5]);
  assert.deepEqual(Array.from(out.bytes), [9, 8, 7]);
  assert.deepEqual(out.extra, msg.extra);
  assert.deepEqual(out.text, msg.text);
  assert.deepEqual(out.odd, msg.odd);
  assert.deepEqual(out.list, [1, "two", null]);
  assert.equal(out.type, "series");
  assert.ok(!ArrayBuffer.isView(msg.bytes)); // the message itself is not changed
});
