import onnxProto from 'onnx-proto';

/** The generated ONNX protobuf classes (`onnx-proto`, ONNX 1.10 schema, protobufjs). */
export const { onnx } = onnxProto;

/** One ONNX node attribute, typed explicitly (ONNX distinguishes `1` the int from `1.0` the float). */
export type OnnxAttribute =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number }
  | { readonly string: string };

/** Element types the builder writes for graph inputs, outputs and initializers. */
export type OnnxElementType = 'float32' | 'int32' | 'int64';

/** A graph input or output: element type (default float32), dimensions numeric or symbolic (e.g. `batch`). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly shape: ReadonlyArray<number | string>;
  /** Default `float32`. */
  readonly elemType?: OnnxElementType;
}

/** Model-level fields of {@link OnnxGraphBuilder.encode}. */
export interface OnnxModelInfo {
  readonly graphName: string;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly opset: number;
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  /** `metadata_props` of the model (string key/value pairs). */
  readonly metadata?: Readonly<Record<string, string>>;
}

const DATA_TYPE: Record<OnnxElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

function attributeProto(name: string, value: OnnxAttribute): InstanceType<typeof onnx.AttributeProto> {
  const type = onnx.AttributeProto.AttributeType;
  if ('int' in value) return onnx.AttributeProto.create({ name, type: type.INT, i: value.int });
  if ('ints' in value) return onnx.AttributeProto.create({ name, type: type.INTS, ints: [...value.ints] });
  if ('float' in value) return onnx.AttributeProto.create({ name, type: type.FLOAT, f: value.float });
  return onnx.AttributeProto.create({ name, type: type.STRING, s: new TextEncoder().encode(value.string) });
}

function valueInfo(info: OnnxValueInfo): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name: info.name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[info.elemType ?? 'float32'],
        shape: { dim: info.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/** Little-endian raw bytes of typed values (ONNX `raw_data`). */
function rawBytes(values: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else if (values instanceof Int32Array) values.forEach((v, i) => view.setInt32(i * 4, v, true));
  else values.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return bytes;
}

/**
 * Accumulates the nodes and initializers of one ONNX graph (default domain) and encodes the model with the protobuf
 * classes of `onnx-proto`. Value names are made unique by a counter, so callers only pick readable prefixes.
 */
export class OnnxGraphBuilder {
  private readonly nodes: Array<InstanceType<typeof onnx.NodeProto>> = [];
  private readonly initializers: Array<InstanceType<typeof onnx.TensorProto>> = [];
  private readonly used = new Set<string>();
  private counter = 0;

  /** A fresh value name starting with `prefix`. */
  uniqueName(prefix: string): string {
    let name = prefix;
    while (this.used.has(name)) {
      this.counter += 1;
      name = `${prefix}_${this.counter}`;
    }
    this.used.add(name);
    return name;
  }

  /** Adds a float32 initializer (row-major `values` of shape `dims`, stored as little-endian raw data); returns its name. */
  initializer(prefix: string, values: Float32Array, dims: readonly number[]): string {
    return this.typedInitializer(prefix, values, dims);
  }

  /** Adds an int32 initializer (e.g. per-field index offsets); returns its name. */
  int32Initializer(prefix: string, values: Int32Array | readonly number[], dims: readonly number[]): string {
    return this.typedInitializer(prefix, values instanceof Int32Array ? values : Int32Array.from(values), dims);
  }

  /** Adds an int64 initializer (e.g. the `shape` of `Reshape`, the `axes` of opset-13 `ReduceSum`); returns its name. */
  int64Initializer(prefix: string, values: readonly number[], dims: readonly number[]): string {
    return this.typedInitializer(prefix, BigInt64Array.from(values, (v) => BigInt(v)), dims);
  }

  private typedInitializer(prefix: string, values: Float32Array | Int32Array | BigInt64Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new RangeError(`initializer ${prefix}: ${values.length} values for shape [${dims.join(', ')}] (${size})`);
    }
    const dataType = values instanceof Float32Array ? DATA_TYPE.float32 : values instanceof Int32Array ? DATA_TYPE.int32 : DATA_TYPE.int64;
    const name = this.uniqueName(prefix);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType, rawData: rawBytes(values) }));
    return name;
  }

  /** Adds a node with one output; returns the output's name (`output` if given, else a fresh name from `opType`). */
  node(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, OnnxAttribute>> = {}, output?: string): string {
    const out = output === undefined ? this.uniqueName(opType.toLowerCase()) : output;
    if (output !== undefined) this.used.add(output);
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        name: this.uniqueName(`${opType}_node`),
        input: [...inputs],
        output: [out],
        attribute: Object.entries(attributes).map(([name, value]) => attributeProto(name, value)),
      }),
    );
    return out;
  }

  /** Number of nodes so far. */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Encodes the model as ONNX protobuf bytes. */
  encode(info: OnnxModelInfo): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: info.irVersion,
      opsetImport: [{ domain: '', version: info.opset }],
      producerName: info.producerName,
      producerVersion: info.producerVersion ?? '',
      docString: info.docString ?? '',
      metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: info.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: info.inputs.map(valueInfo),
        output: info.outputs.map(valueInfo),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
