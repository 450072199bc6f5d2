/** A query parameter of an admin endpoint, as `/help` lists it. */
export interface AdminParam {
  readonly name: string;
  readonly help: string;
  /** The values it takes, for an enumerated parameter. */
  readonly choices?: readonly string[];
}

/** An admin endpoint as `/` and `/help` list it (Envoy's `UrlHandler`). */
export interface AdminEndpoint {
  /** The path, with the mount prefix (`/stats`, or `/admin/stats` when mounted under `/admin`). */
  readonly path: string;
  /** One line of help, Envoy's where Envoy has the endpoint. */
  readonly help: string;
  /** True for the endpoints that change the server: they take `POST` only. */
  readonly mutates: boolean;
  readonly params: readonly AdminParam[];
}
