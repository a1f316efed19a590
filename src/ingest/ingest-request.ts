/** Who is on the other end of a mutual-TLS connection: its certificate's subject CN and SANs. */
export interface ClientIdentity {
  /** Subject CN first, then every subjectAltName value (DNS, URI, email, IP), without their prefixes. */
  readonly names: readonly string[];
}

/** One HTTP request as the handler sees it: framework-free, the body already read (within limits). */
export interface IngestRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  /** Present on a mutual-TLS connection whose client certificate the server verified. */
  readonly client: ClientIdentity | undefined;
}
