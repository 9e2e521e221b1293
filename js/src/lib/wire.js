// Binary wire form -> typed arrays. The kernel describes each array as
// {buffer: i, dtype, shape} (jupyter_tb/widgets/wire.py); buffers arrive as DataViews or
// ArrayBuffers. Typed arrays are built over the same bytes, honouring byteOffset and length.
const TYPES = {
  float64: Float64Array, float32: Float32Array, int32: Int32Array, uint32: Uint32Array,
  int16: Int16Array, uint16: Uint16Array, int8: Int8Array, uint8: Uint8Array,
};

function isDescriptor(value) {
  return value && typeof value === "object" && !Array.isArray(value)
    && typeof value.buffer === "number" && typeof value.dtype === "string" && Array.isArray(value.shape)
    && Object.keys(value).length === 3;
}

export function toTypedArray(descriptor, buffers) {
  const Type = TYPES[descriptor.dtype];
  if (!Type) throw new Error(`unsupported dtype ${descriptor.dtype}`);
  const raw = buffers[descriptor.buffer];
  if (!raw) throw new Error(`buffer ${descriptor.buffer} missing (${buffers.length} arrived)`);
  const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw) : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const length = descriptor.shape.reduce((a, b) => a * b, 1);
  const need = length * Type.BYTES_PER_ELEMENT;
  if (bytes.byteLength < need) throw new Error(`buffer ${descriptor.buffer} holds ${bytes.byteLength} bytes, ${descriptor.dtype}${JSON.stringify(descriptor.shape)} needs ${need}`);
  let array;
  if (bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0) {
    array = new Type(bytes.buffer, bytes.byteOffset, length);
  } else { // misaligned view: copy once
    array = new Type(bytes.slice(0, need).buffer);
  }
  array.shape = descriptor.shape;
  return array;
}

// Replace every descriptor inside a message by its typed array (returns a new object).
export function decode(message, buffers) {
  const walk = (value) => {
    if (isDescriptor(value)) return toTypedArray(value, buffers || []);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      const out = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item);
      return out;
    }
    return value;
  };
  return walk(message);
}
