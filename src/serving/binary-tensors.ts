import { elementCount, invalid, V2_DATATYPES, type V2Datatype, type V2Output } from './open-inference-format.ts';

/**
 * The Open Inference Protocol's binary tensor data extension (Triton, KServe): a request or
 * response body is a JSON object of `Inference-Header-Content-Length` bytes followed by the raw
 * data of the tensors that carry `parameters.binary_data_size`, in their order in the JSON.
 * Data is little-endian and row-major; BOOL is one byte per element; BYTES elements are a
 * 4-byte little-endian length followed by the bytes. Triton's HTTP client sends and asks for
 * binary data by default, and it spares large tensors JSON's parsing and number formatting.
 */

export const HEADER_LENGTH = 'inference-header-content-length';

/** Bytes per element of each fixed-size datatype. */
const ELEMENT_BYTES: Record<Exclude<V2Datatype, 'BYTES'>, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8,
};

/** Splits a binary request body into its JSON header (parsed by `parseJson`) and the tensor data after it. */
export function splitBinaryBody(
  body: Buffer,
  headerLength: string,
  parseJson: (text: string) => unknown,
): { header: unknown; data: Buffer } {
  const length = Number(headerLength);
  if (!/^\d+$/.test(headerLength) || length > body.length) {
    throw invalid(
      'headers.inference-header-content-length',
      `must be the byte length of the JSON header, at most the body's ${body.length} bytes`,
    );
  }
  return { header: parseJson(body.toString('utf8', 0, length)), data: body.subarray(length) };
}

/** An input of the JSON header, not yet checked by the body schema (which runs after this). */
interface BinaryInput {
  shape?: unknown;
  datatype?: unknown;
  parameters?: Record<string, unknown>;
  data?: unknown;
}

const isShape = (shape: unknown): shape is number[] =>
  Array.isArray(shape) && shape.every((dim) => Number.isInteger(dim) && dim >= 0);
const isDatatype = (datatype: unknown): datatype is V2Datatype =>
  (V2_DATATYPES as readonly unknown[]).includes(datatype);

/**
 * Fills `data` of every input that names a `binary_data_size`, from the bytes after the JSON
 * header, in order; every byte must be claimed. Values come out as the JSON form has them
 * (numbers, booleans, and bytes for BYTES), so both forms share one validation path.
 */
export function attachBinaryInputs(inputs: BinaryInput[], data: Buffer): void {
  let offset = 0;
  inputs.forEach((input, index) => {
    const path = `inputs.${index}`;
    const size = input.parameters?.binary_data_size;
    if (size === undefined) {
      if (input.data === undefined)
        throw invalid(
          `${path}.data`,
          'is missing (give data, or parameters.binary_data_size with the bytes after the JSON)',
        );
      return;
    }
    if (input.data !== undefined) throw invalid(path, 'gives both data and parameters.binary_data_size');
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
      throw invalid(`${path}.parameters.binary_data_size`, 'must be a whole number of bytes');
    if (offset + size > data.length)
      throw invalid(
        `${path}.parameters.binary_data_size`,
        `claims ${size} bytes; only ${data.length - offset} follow the JSON`,
      );
    // Decoding needs the shape and datatype, so they are checked here, before the body schema.
    if (!isShape(input.shape)) throw invalid(`${path}.shape`, 'must be a list of whole numbers');
    if (!isDatatype(input.datatype)) throw invalid(`${path}.datatype`, `must be one of ${V2_DATATYPES.join(', ')}`);
    input.data = decodeTensor(data.subarray(offset, offset + size), input.datatype, elementCount(input.shape), path);
    offset += size;
  });
  if (offset !== data.length)
    throw invalid('inputs', `${data.length - offset} bytes after the JSON belong to no input's binary_data_size`);
}

function decodeTensor(bytes: Buffer, datatype: V2Datatype, elements: number, path: string): unknown[] {
  if (datatype === 'BYTES') return decodeByteStrings(bytes, elements, path);
  const width = ELEMENT_BYTES[datatype];
  if (bytes.length !== elements * width)
    throw invalid(
      `${path}.parameters.binary_data_size`,
      `is ${bytes.length} bytes; ${elements} ${datatype} elements take ${elements * width}`,
    );
  // A copy aligns the data for the typed-array views below (the body's offset is arbitrary).
  const buffer = new Uint8Array(bytes).buffer;
  switch (datatype) {
    case 'BOOL':
      return toArray(new Uint8Array(buffer), (byte) => byte !== 0);
    case 'UINT8':
      return toArray(new Uint8Array(buffer));
    case 'INT8':
      return toArray(new Int8Array(buffer));
    case 'UINT16':
      return toArray(new Uint16Array(buffer));
    case 'INT16':
      return toArray(new Int16Array(buffer));
    case 'UINT32':
      return toArray(new Uint32Array(buffer));
    case 'INT32':
      return toArray(new Int32Array(buffer));
    case 'UINT64':
      return toArray(new BigUint64Array(buffer), Number);
    case 'INT64':
      return toArray(new BigInt64Array(buffer), Number);
    case 'FP16':
      return toArray(new Uint16Array(buffer), halfToNumber);
    case 'FP32':
      return toArray(new Float32Array(buffer));
    case 'FP64':
      return toArray(new Float64Array(buffer));
  }
}

/** A typed array's elements as a plain array, by a loop (Array.from on a typed array is several times slower). */
function toArray<T extends number | bigint, R = T>(typed: ArrayLike<T>, convert?: (value: T) => R): R[] {
  const out: R[] = new Array(typed.length);
  for (let i = 0; i < typed.length; i++) out[i] = convert ? convert(typed[i]!) : (typed[i] as unknown as R);
  return out;
}

function decodeByteStrings(bytes: Buffer, elements: number, path: string): Uint8Array[] {
  const values: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) throw invalid(`${path}.data`, 'a BYTES element is cut short in its 4-byte length');
    const length = bytes.readUInt32LE(offset);
    offset += 4;
    if (offset + length > bytes.length)
      throw invalid(`${path}.data`, `a BYTES element claims ${length} bytes past the end of its tensor`);
    values.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  if (values.length !== elements)
    throw invalid(`${path}.data`, `holds ${values.length} BYTES elements; its shape needs ${elements}`);
  return values;
}

/** IEEE 754 half precision to a number. */
function halfToNumber(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Whether the request asks for `name` as binary: its own `binary_data`, else the request's `binary_data_output`. */
export function wantsBinary(
  name: string,
  requestParameters: Record<string, unknown> | undefined,
  outputs: { name: string; parameters?: Record<string, unknown> }[] | undefined,
): boolean {
  const own = outputs?.find((output) => output.name === name)?.parameters?.binary_data;
  if (typeof own === 'boolean') return own;
  return requestParameters?.binary_data_output === true;
}

/** One output's data as binary, in its datatype's layout. */
function encodeTensor(output: V2Output): Buffer {
  if (output.datatype === 'BYTES') {
    const parts = output.data.map((value) => Buffer.from(String(value), 'utf8'));
    const buffer = Buffer.allocUnsafe(parts.reduce((n, part) => n + 4 + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      offset = buffer.writeUInt32LE(part.length, offset);
      offset += part.copy(buffer, offset);
    }
    return buffer;
  }
  const values = output.data as number[];
  switch (output.datatype) {
    case 'BOOL':
      return Buffer.from(Uint8Array.from(output.data, (value) => (value ? 1 : 0)));
    case 'FP32':
      return Buffer.from(Float32Array.from(values).buffer);
    case 'FP64':
      return Buffer.from(Float64Array.from(values).buffer);
    case 'INT64':
      return Buffer.from(BigInt64Array.from(values, (value) => BigInt(value)).buffer);
    default:
      throw new Error(`no binary encoding for output datatype ${output.datatype}`);
  }
}

/**
 * The response body with the outputs named in `binary` moved after the JSON: their `data` is
 * replaced by `parameters.binary_data_size`. Returns the body and the JSON header's length.
 */
export function binaryResponse(
  response: { outputs: V2Output[] } & Record<string, unknown>,
  binary: (name: string) => boolean,
): { body: Buffer; headerLength: number } {
  const blobs: Buffer[] = [];
  const outputs = response.outputs.map((output) => {
    if (!binary(output.name)) return output;
    const blob = encodeTensor(output);
    blobs.push(blob);
    const { data: _data, ...rest } = output;
    return { ...rest, parameters: { binary_data_size: blob.length } };
  });
  const header = Buffer.from(JSON.stringify({ ...response, outputs }), 'utf8');
  return { body: Buffer.concat([header, ...blobs]), headerLength: header.length };
}
