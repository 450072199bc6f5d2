import { DuplicateExtensionError, UnknownSchemaNameError } from '../errors.ts';
import type { SchemaIndex } from '../schema/schema-index.ts';
import { typeNameOfUrl } from '../type-url.ts';
import type { ExtensionReference, ExtensionRegistration } from './extension.ts';

/**
 * The supported subset and the extension registry, as data: which fields of which Envoy message
 * types Nuncio implements, which values of which enums, and which extensions (by name and type
 * URL). Each package registers what it implements when it is assembled (a static list in the
 * proxy, never an import side effect), so the check can never lag behind the code.
 *
 * Registration is cheap and needs no protos; names are checked against Envoy's API the first time
 * a config is checked (`verify`), where a misspelt name throws `UnknownSchemaNameError`.
 */
export class ConfigRegistry {
  private readonly fields: Map<string, Set<string>>;
  private readonly enumValues: Map<string, Set<string>>;
  private readonly byName: Map<string, ExtensionRegistration>;
  private readonly byTypeUrl: Map<string, ExtensionRegistration>;
  private verifiedWith: SchemaIndex | null;

  constructor() {
    this.fields = new Map();
    this.enumValues = new Map();
    this.byName = new Map();
    this.byTypeUrl = new Map();
    this.verifiedWith = null;
  }

  /**
   * Declares fields of `typeName` (full name, e.g. `envoy.config.listener.v3.Listener`) as
   * implemented, by proto (`snake_case`) name. Adds to what was registered before.
   */
  registerSupportedFields(typeName: string, fieldNames: readonly string[]): this {
    let set = this.fields.get(typeName);
    if (!set) {
      set = new Set();
      this.fields.set(typeName, set);
    }
    for (const name of fieldNames) set.add(name);
    this.verifiedWith = null;
    return this;
  }

  /**
   * Restricts enum `enumName` (full name) to the listed values. Without a restriction, any value
   * of a supported field's enum is accepted; with one, the others are reported as unsupported.
   */
  registerSupportedEnumValues(enumName: string, valueNames: readonly string[]): this {
    let set = this.enumValues.get(enumName);
    if (!set) {
      set = new Set();
      this.enumValues.set(enumName, set);
    }
    for (const name of valueNames) set.add(name);
    this.verifiedWith = null;
    return this;
  }

  /**
   * Registers an extension under its name and type URLs (and its supported fields, if given).
   * Registering the same name or type URL twice throws `DuplicateExtensionError`.
   */
  registerExtension<F>(registration: ExtensionRegistration<F>): this {
    const existing = this.byName.get(registration.name);
    if (existing) {
      throw new DuplicateExtensionError(`extension ${registration.name} is already registered`);
    }
    for (const url of registration.typeUrls) {
      const other = this.byTypeUrl.get(url);
      if (other) {
        throw new DuplicateExtensionError(
          `type URL ${url} is already registered by extension ${other.name}`,
        );
      }
    }
    this.byName.set(registration.name, registration);
    for (const url of registration.typeUrls) this.byTypeUrl.set(url, registration);
    for (const [typeName, names] of Object.entries(registration.supportedFields ?? {})) {
      this.registerSupportedFields(typeName, names);
    }
    this.verifiedWith = null;
    return this;
  }

  /** Whether `fieldName` (proto name) of `typeName` is implemented. */
  isFieldSupported(typeName: string, fieldName: string): boolean {
    return this.fields.get(typeName)?.has(fieldName) ?? false;
  }

  /** Whether `valueName` of enum `enumName` is implemented (true when the enum is unrestricted). */
  isEnumValueSupported(enumName: string, valueName: string): boolean {
    const set = this.enumValues.get(enumName);
    return set === undefined || set.has(valueName);
  }

  /** The extension registered under `name`, if any. */
  extensionByName(name: string): ExtensionRegistration | undefined {
    return this.byName.get(name);
  }

  /** The extension registered for a type URL (any host part; the type name decides). */
  extensionByTypeUrl(typeUrl: string): ExtensionRegistration | undefined {
    const exact = this.byTypeUrl.get(typeUrl);
    if (exact) return exact;
    const name = typeNameOfUrl(typeUrl);
    for (const [url, registration] of this.byTypeUrl) {
      if (typeNameOfUrl(url) === name) return registration;
    }
    return undefined;
  }

  /**
   * The extension an extension point names, the way Envoy finds it: by the type URL of its typed
   * config first, then by name.
   */
  resolveExtension(reference: ExtensionReference): ExtensionRegistration | undefined {
    const typeUrl = reference.typedConfig?.typeUrl;
    if (typeUrl) return this.extensionByTypeUrl(typeUrl);
    return reference.name ? this.byName.get(reference.name) : undefined;
  }

  /** Names of every registered extension, sorted. */
  extensionNames(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** A copy: the same registrations, independent from now on. */
  clone(): ConfigRegistry {
    const copy = new ConfigRegistry();
    for (const [type, names] of this.fields) copy.fields.set(type, new Set(names));
    for (const [type, names] of this.enumValues) copy.enumValues.set(type, new Set(names));
    for (const [name, registration] of this.byName) copy.byName.set(name, registration);
    for (const [url, registration] of this.byTypeUrl) copy.byTypeUrl.set(url, registration);
    return copy;
  }

  /**
   * Checks every registered type, field, enum value and type URL against Envoy's API; throws
   * `UnknownSchemaNameError` naming the first one that does not exist.
   */
  verify(schema: SchemaIndex): void {
    if (this.verifiedWith === schema) return;
    for (const [typeName, names] of this.fields) {
      const type = schema.messages.get(typeName);
      if (!type)
        throw new UnknownSchemaNameError(
          `supported fields name an unknown message type ${typeName}`,
        );
      for (const name of names) {
        if (!type.fields.some((f) => f.name === name)) {
          throw new UnknownSchemaNameError(
            `supported fields name an unknown field ${typeName}.${name}`,
          );
        }
      }
    }
    for (const [enumName, names] of this.enumValues) {
      const type = schema.enums.get(enumName);
      if (!type)
        throw new UnknownSchemaNameError(`supported values name an unknown enum ${enumName}`);
      for (const name of names) {
        if (!type.byName.has(name)) {
          throw new UnknownSchemaNameError(
            `supported values name an unknown value ${enumName}.${name}`,
          );
        }
      }
    }
    for (const url of this.byTypeUrl.keys()) {
      if (!schema.messages.has(typeNameOfUrl(url))) {
        throw new UnknownSchemaNameError(`extension type URL ${url} names an unknown message type`);
      }
    }
    this.verifiedWith = schema;
  }
}
