import onnxProto from 'onnx-proto';

/** The generated ONNX protobuf classes (`onnx-proto`, ONNX 1.10 schema, protobufjs). */
export const { onnx } = onnxProto;

/** One ONNX node attribute, typed explicitly (ONNX distinguishes `1` the int from `1.0` the float). */
export type OnnxAttribute =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number }
  | { readonly string: string };

/** A graph input or output: element type float32, dimensions numeric or symbolic (e.g. `batch`). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly shape: ReadonlyArray<number | string>;
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
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: info.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/**
 * Accumulates the nodes and float32 initializers of one ONNX graph (default domain) and encodes the model with the
 * protobuf classes of `onnx-proto`. Value names are made unique by a counter, so callers only pick readable prefixes.
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
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new RangeError(`initializer ${prefix}: ${values.length} values for shape [${dims.join(', ')}] (${size})`);
    }
    const name = this.uniqueName(prefix);
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.initializers.push(
      onnx.TensorProto.create({ name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes }),
    );
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
