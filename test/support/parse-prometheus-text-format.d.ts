// Types of the parse-prometheus-text-format package (a dev dependency with none of its own), as the tests use it.
declare module 'parse-prometheus-text-format' {
  /** One metric family: its name, type (COUNTER, GAUGE, SUMMARY, HISTOGRAM, UNTYPED) and samples. */
  interface MetricFamily {
    readonly name: string;
    readonly help: string;
    readonly type: string;
    readonly metrics: readonly { readonly labels?: Readonly<Record<string, string>>; readonly value?: string }[];
  }
  /** Parses Prometheus text exposition format; throws on malformed text. */
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
