/** A tag (Prometheus label) extracted from a stat name, e.g. `envoy.cluster_name` = `backend`. */
export interface Tag {
  readonly name: string;
  readonly value: string;
}

/** A stat name split into the name without its tag values and the tags. */
export interface TagExtraction {
  /** The name with every extracted value removed, e.g. `cluster.upstream_cx_total`. */
  readonly tagExtractedName: string;
  /** The tags, in the order the extractors produced them. */
  readonly tags: readonly Tag[];
}
