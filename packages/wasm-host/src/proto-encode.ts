// Protobuf binary encodings of the few messages a plugin can read as a property: Envoy serializes
// a message-typed property (`node`, `*_metadata`) with protobuf, so SDKs decode these bytes.
import type { JsonObject, JsonValue } from '@nuncio/config';
import type { MetadataInfo, NodeInfo } from './stream-attributes.ts';

class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private readonly encoder = new TextEncoder();

  varint(value: number): void {
    const bytes: number[] = [];
    let v = value >>> 0;
    let high = Math.floor(value / 2 ** 32);
    // Values here are lengths and small enums: 32 bits plus a rare high part.
    while (v > 0x7f || high > 0) {
      bytes.push((v & 0x7f) | 0x80);
      v = (v >>> 7) | ((high & 0x7f) << 25);
      high = Math.floor(high / 128);
    }
    bytes.push(v);
    this.chunks.push(Uint8Array.from(bytes));
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.chunks.push(data);
  }

  string(field: number, value: string | undefined): void {
    if (value === undefined || value === '') return;
    this.bytes(field, this.encoder.encode(value));
  }

  double(field: number, value: number): void {
    this.tag(field, 1);
    const out = new Uint8Array(8);
    new DataView(out.buffer).setFloat64(0, value, true);
    this.chunks.push(out);
  }

  bool(field: number, value: boolean): void {
    this.tag(field, 0);
    this.varint(value ? 1 : 0);
  }

  finish(): Uint8Array {
    let size = 0;
    for (const c of this.chunks) size += c.length;
    const out = new Uint8Array(size);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}

/** `google.protobuf.Value`. */
function encodeValue(value: JsonValue): Uint8Array {
  const w = new ProtoWriter();
  if (value === null) {
    w.tag(1, 0);
    w.varint(0);
  } else if (typeof value === 'number') {
    w.double(2, value);
  } else if (typeof value === 'string') {
    w.bytes(3, new TextEncoder().encode(value));
  } else if (typeof value === 'boolean') {
    w.bool(4, value);
  } else if (Array.isArray(value)) {
    const list = new ProtoWriter();
    for (const item of value) list.bytes(1, encodeValue(item));
    w.bytes(6, list.finish());
  } else {
    w.bytes(5, encodeStruct(value));
  }
  return w.finish();
}

/** `google.protobuf.Struct`. */
export function encodeStruct(struct: JsonObject): Uint8Array {
  const w = new ProtoWriter();
  for (const [key, value] of Object.entries(struct)) {
    const entry = new ProtoWriter();
    entry.string(1, key);
    entry.bytes(2, encodeValue(value));
    w.bytes(1, entry.finish());
  }
  return w.finish();
}

/** `envoy.config.core.v3.Metadata` (its `filter_metadata`). */
export function encodeMetadata(metadata: MetadataInfo): Uint8Array {
  const w = new ProtoWriter();
  for (const [key, struct] of Object.entries(metadata.filterMetadata ?? {})) {
    const entry = new ProtoWriter();
    entry.string(1, key);
    entry.bytes(2, encodeStruct(struct));
    w.bytes(1, entry.finish());
  }
  return w.finish();
}

/** `envoy.config.core.v3.Node` (id, cluster, metadata, locality, user agent, client features). */
export function encodeNode(node: NodeInfo): Uint8Array {
  const w = new ProtoWriter();
  w.string(1, node.id);
  w.string(2, node.cluster);
  if (node.metadata !== undefined) w.bytes(3, encodeStruct(node.metadata));
  if (node.locality !== undefined) {
    const locality = new ProtoWriter();
    locality.string(1, node.locality.region);
    locality.string(2, node.locality.zone);
    locality.string(3, node.locality.subZone);
    w.bytes(4, locality.finish());
  }
  w.string(6, node.userAgentName);
  w.string(7, node.userAgentVersion);
  for (const feature of node.clientFeatures ?? []) w.bytes(10, new TextEncoder().encode(feature));
  return w.finish();
}
