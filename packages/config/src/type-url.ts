/** `type.googleapis.com/envoy.x.v3.Y` to `envoy.x.v3.Y` (any host part, as protobuf allows). */
export function typeNameOfUrl(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/** `envoy.x.v3.Y` to `type.googleapis.com/envoy.x.v3.Y`. */
export function typeUrlOf(typeName: string): string {
  return `type.googleapis.com/${typeName}`;
}
