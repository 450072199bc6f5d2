import { ProblemCodes } from '../errors.ts';
import type { PathSegment, ProblemCollector } from '../problem.ts';
import type { FieldInfo, MessageInfo, SchemaIndex } from '../schema/schema-index.ts';
import { typeNameOfUrl } from '../type-url.ts';
import type { ConfigRegistry } from './config-registry.ts';

type Any = { typeUrl: string; value: unknown };

/** Whether a decoded field counts as set (proto3: a scalar at its default is not). */
export function isFieldSet(field: FieldInfo, value: unknown): boolean {
  if (value === undefined) return false;
  if (field.hasPresence) return true;
  if (field.repeated) return (value as unknown[]).length > 0;
  if (field.map) return Object.keys(value as object).length > 0;
  if (value instanceof Uint8Array) return value.length > 0;
  if (field.kind === 'enum') return value !== field.enumType?.defaultName && value !== 0;
  return value !== 0 && value !== 0n && value !== '' && value !== false;
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

/**
 * Walks a decoded config and reports, all at once, every set field that Nuncio does not implement
 * (per the registry), every deprecated field or enum value in use (Envoy's words), every extension
 * point naming an extension that is not registered, and every enum value that is not supported.
 * Unsupported fields are not descended into: one report per unsupported subtree.
 */
export class SubsetChecker {
  private readonly schema: SchemaIndex;
  private readonly registry: ConfigRegistry;
  private readonly problems: ProblemCollector;
  private readonly path: PathSegment[];

  constructor(schema: SchemaIndex, registry: ConfigRegistry, problems: ProblemCollector) {
    this.schema = schema;
    this.registry = registry;
    this.problems = problems;
    this.path = [];
  }

  check(value: Record<string, unknown>, type: MessageInfo): void {
    this.message(value, type);
  }

  private message(value: Record<string, unknown>, type: MessageInfo): void {
    if (type.wellKnown) return;
    const extensionOk = this.extensionPoint(value, type);
    for (const field of type.fields) {
      const fieldValue = value[field.json];
      if (!isFieldSet(field, fieldValue)) continue;
      this.path.push(field.name);
      if (field.deprecated) {
        this.problems.add(
          ProblemCodes.DeprecatedField,
          this.path,
          `Using deprecated option '${type.name}.${field.name}' from file ${baseName(type.file)}. This configuration will be removed from Envoy soon.`,
        );
      } else if (!this.registry.isFieldSupported(type.name, field.name)) {
        this.problems.add(
          ProblemCodes.UnsupportedField,
          this.path,
          `field '${type.name}.${field.name}' is set but Nuncio does not implement it`,
        );
      } else if (field.kind === 'enum') {
        this.each(field, fieldValue, (v) => this.enumValue(field, v));
      } else if (field.kind === 'message' && !(field.name === 'typed_config' && !extensionOk)) {
        this.each(field, fieldValue, (v) => this.nested(field, v));
      }
      this.path.pop();
    }
  }

  private each(field: FieldInfo, value: unknown, run: (v: unknown) => void): void {
    if (field.repeated) {
      (value as unknown[]).forEach((item, i) => {
        this.path.push(i);
        run(item);
        this.path.pop();
      });
    } else if (field.map) {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        this.path.push({ key });
        run(item);
        this.path.pop();
      }
    } else {
      run(value);
    }
  }

  private nested(field: FieldInfo, value: unknown): void {
    const type = field.message as MessageInfo;
    if (type.wellKnown === 'any') {
      const any = value as Any;
      const inner = this.schema.messages.get(typeNameOfUrl(any.typeUrl));
      if (inner && !inner.wellKnown && any.value && typeof any.value === 'object') {
        this.message(any.value as Record<string, unknown>, inner);
      }
      return;
    }
    if (!type.wellKnown) this.message(value as Record<string, unknown>, type);
  }

  private enumValue(field: FieldInfo, value: unknown): void {
    const type = field.enumType;
    if (!type) return;
    if (typeof value === 'number') {
      this.problems.add(
        ProblemCodes.UnsupportedValue,
        this.path,
        `value ${value} is not a defined value of ${type.name}; Nuncio does not implement it`,
      );
    } else if (type.deprecated.has(value as string)) {
      this.problems.add(
        ProblemCodes.DeprecatedField,
        this.path,
        `Using deprecated value '${value}' of enum '${type.name}'. This configuration will be removed from Envoy soon.`,
      );
    } else if (!this.registry.isEnumValueSupported(type.name, value as string)) {
      this.problems.add(
        ProblemCodes.UnsupportedValue,
        this.path,
        `value ${value} of ${type.name} is valid but Nuncio does not implement it`,
      );
    }
  }

  /**
   * An extension point is a message with a `name` and a `typed_config` (TypedExtensionConfig,
   * listener filters, network filters, transport sockets, access logs, ...). Envoy finds the
   * extension by the config's type URL, or by name when there is no typed config.
   * Returns false when the extension is unknown (its config is then not walked).
   */
  private extensionPoint(value: Record<string, unknown>, type: MessageInfo): boolean {
    const nameField = type.byName.get('name');
    const configField = type.byName.get('typed_config');
    if (nameField?.kind !== 'string' || configField?.message?.wellKnown !== 'any') return true;
    const name = value.name as string;
    const typedConfig = value.typedConfig as Any | undefined;
    if (typedConfig?.typeUrl) {
      if (this.registry.extensionByTypeUrl(typedConfig.typeUrl)) return true;
      this.path.push('typed_config');
      this.problems.add(
        ProblemCodes.UnknownExtension,
        this.path,
        `Didn't find a registered implementation for '${name}' with type URL: '${typeNameOfUrl(typedConfig.typeUrl)}' (known extensions: ${this.known()})`,
      );
      this.path.pop();
      return false;
    }
    if (name && this.registry.extensionByName(name)) return true;
    this.path.push('name');
    this.problems.add(
      ProblemCodes.UnknownExtension,
      this.path,
      `Didn't find a registered implementation for name: '${name}' (known extensions: ${this.known()})`,
    );
    this.path.pop();
    return false;
  }

  private known(): string {
    const names = this.registry.extensionNames();
    return names.length > 0 ? names.join(', ') : 'none registered';
  }
}
