import manifest from '../package.json' with { type: 'json' };

/** This package's version (`0.0.0` until the first release). */
export const PROXY_VERSION: string = manifest.version;

/**
 * The server's version string in Envoy's shape, `<revision>/<version>/<status>/<build>/<library>`:
 * `nuncio/<version>/Clean/RELEASE/Node.js <node version>`. `/server_info` and `--version` print it.
 */
export function versionString(): string {
  return `nuncio/${PROXY_VERSION}/Clean/RELEASE/Node.js ${process.versions.node}`;
}
