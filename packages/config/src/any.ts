import { TypeMismatchError } from './errors.ts';
import type { EnvoyMessages } from './generated/envoy-types.ts';
import { typeNameOfUrl } from './type-url.ts';
import type { AnyValue } from './wkt-types.ts';

/**
 * The typed message inside a decoded `Any` (a `typed_config`), checked to be of type `typeName`;
 * throws `TypeMismatchError` when it holds another type.
 */
export function unpackAny<N extends keyof EnvoyMessages>(
  any: AnyValue,
  typeName: N,
): EnvoyMessages[N];
export function unpackAny<T>(any: AnyValue, typeName: string): T;
export function unpackAny(any: AnyValue, typeName: string): unknown {
  const actual = typeNameOfUrl(any.typeUrl);
  if (actual !== typeName) {
    throw new TypeMismatchError(
      `expected an Any holding ${typeName}, got ${actual || 'an empty Any'}`,
    );
  }
  return any.value;
}
