import type { Problem } from './problem.ts';

/** Codes of the problems `validateBootstrap` reports (one per kind of mistake in a config). */
export const ProblemCodes = {
  /** The text is not well-formed YAML or JSON. */
  YamlSyntax: 'NUNCIO_ERR_CONFIG_YAML_SYNTAX',
  /** A key names no field of the message at that place. */
  UnknownField: 'NUNCIO_ERR_CONFIG_UNKNOWN_FIELD',
  /** A value has the wrong JSON type for its field (a list for a string, text for a number). */
  WrongType: 'NUNCIO_ERR_CONFIG_WRONG_TYPE',
  /** A value has the right JSON type but cannot be read: bad duration, unknown enum name, range. */
  BadValue: 'NUNCIO_ERR_CONFIG_BAD_VALUE',
  /** Two members of one oneof are set, or one field is given by both of its names. */
  OneofConflict: 'NUNCIO_ERR_CONFIG_ONEOF_CONFLICT',
  /** An `@type` names a type that is not among Envoy's v3 API types. */
  UnknownType: 'NUNCIO_ERR_CONFIG_UNKNOWN_TYPE',
  /** An `@type` names a type of Envoy's removed v2 API. */
  DeprecatedType: 'NUNCIO_ERR_CONFIG_DEPRECATED_TYPE',
  /** A field or enum value marked deprecated in Envoy's API is used. */
  DeprecatedField: 'NUNCIO_ERR_CONFIG_DEPRECATED_FIELD',
  /** A protoc-gen-validate rule of Envoy's API is broken. */
  Constraint: 'NUNCIO_ERR_CONFIG_CONSTRAINT',
  /** A valid Envoy field is set that Nuncio does not implement. */
  UnsupportedField: 'NUNCIO_ERR_CONFIG_UNSUPPORTED_FIELD',
  /** A valid Envoy enum value is used that Nuncio does not implement. */
  UnsupportedValue: 'NUNCIO_ERR_CONFIG_UNSUPPORTED_VALUE',
  /** An extension is named (by name or type URL) that no registered extension provides. */
  UnknownExtension: 'NUNCIO_ERR_CONFIG_UNKNOWN_EXTENSION',
  /** The config file could not be read. */
  FileRead: 'NUNCIO_ERR_CONFIG_FILE_READ',
} as const;

/** A problem code. */
export type ProblemCode = (typeof ProblemCodes)[keyof typeof ProblemCodes];

/** Base of every error the config package throws. Match on `code`. */
export class ConfigError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.code = code;
  }
}

/** Thrown by `loadBootstrap` when a config has problems; `problems` lists every one of them. */
export class InvalidConfigError extends ConfigError {
  readonly problems: readonly Problem[];
  constructor(sourceName: string, problems: readonly Problem[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
    super(
      'NUNCIO_ERR_CONFIG_INVALID',
      `error initializing configuration '${sourceName}': ${first ? formatProblem(first) : 'invalid'}${more}`,
    );
    this.name = 'InvalidConfigError';
    this.problems = problems;
  }
}

/** Neither the precompiled schema nor the protos to compile it from could be found. */
export class ProtosUnavailableError extends ConfigError {
  constructor(message: string) {
    super('NUNCIO_ERR_CONFIG_PROTOS_UNAVAILABLE', message);
    this.name = 'ProtosUnavailableError';
  }
}

/** A registration names a message type, field or enum value that Envoy's API does not have. */
export class UnknownSchemaNameError extends ConfigError {
  constructor(message: string) {
    super('NUNCIO_ERR_CONFIG_UNKNOWN_SCHEMA_NAME', message);
    this.name = 'UnknownSchemaNameError';
  }
}

/** An extension name or type URL is registered twice. */
export class DuplicateExtensionError extends ConfigError {
  constructor(message: string) {
    super('NUNCIO_ERR_CONFIG_DUPLICATE_EXTENSION', message);
    this.name = 'DuplicateExtensionError';
  }
}

/** `unpackAny` was asked for a type other than the one the Any holds. */
export class TypeMismatchError extends ConfigError {
  constructor(message: string) {
    super('NUNCIO_ERR_CONFIG_TYPE_MISMATCH', message);
    this.name = 'TypeMismatchError';
  }
}

/** `file:line:column: path: message`, the way `--mode validate` prints a problem. */
export function formatProblem(problem: Problem, sourceName?: string): string {
  const where =
    problem.line > 0
      ? `${sourceName ? `${sourceName}:` : ''}${problem.line}:${problem.column}: `
      : sourceName
        ? `${sourceName}: `
        : '';
  return `${where}${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}
