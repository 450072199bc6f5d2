/** What `nuncio --help` prints: every flag, with Envoy's names and Nuncio's defaults. */
export function usage(): string {
  return `Usage: nuncio [flags]

Envoy's architecture on Node.js. Flags keep Envoy's names.

  -c, --config-path <path>         Bootstrap file (.yaml, .yml or .json), Envoy v3.
      --config-yaml <yaml>         Bootstrap YAML merged over the file, as Envoy merges it
                                   (fields replace, lists append).
      --mode <serve|validate>      serve (default), or check the configuration, print
                                   every problem and exit 0 (valid) or 1 (not).
      --concurrency <n>            Worker threads (default: the number of cores).
  -l, --log-level <level>          trace, debug, info (default), warning, error, critical, off.
      --component-log-level <c:l>  Levels of single components: upstream:debug,connection:trace.
      --log-path <path>            Write the log to this file instead of stderr.
      --drain-time-s <s>           Time connections get to finish on shutdown (default 600).
      --drain-strategy <strategy>  gradual (default) or immediate.
      --service-node <id>          node.id, over the configuration's.
      --service-cluster <name>     node.cluster, over the configuration's.
      --service-zone <zone>        node.locality.zone, over the configuration's.
      --file-flush-interval-msec <ms>
                                   Longest wait of an access-log line before it is written
                                   (default 10000).
      --admin-address-path <path>  Write the admin's address (host:port) to this file once it
                                   listens (useful with port 0).
      --version                    Print the version and exit.
  -h, --help                       Print this and exit.

Signals: SIGTERM or SIGINT drain and exit 0 (a second one exits at once); SIGUSR1 reopens the
log and access-log files. The admin (bootstrap admin.address, default 127.0.0.1:9901) serves
Envoy's endpoints: /ready, /stats, /threads, /drain_listeners, /quitquitquit...
`;
}
