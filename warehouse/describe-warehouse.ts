import { resolve } from "node:path";
import type { WarehouseConfig } from "../core/config/index.js";
import { acceptedSsl } from "../core/config/postgres-ssl.js";
import { postgresTarget } from "./postgres-connect.js";

/**
 * The configured warehouse in a few words, never its password: `duckdb /abs/warehouse.duckdb`,
 * `postgres pslink@db.internal:5432/pslink`, with the TLS mode when the connection is encrypted
 * (`…/pslink, TLS verify-full against /abs/ca.pem, client certificate /abs/pslink.crt`).
 */
export function describeWarehouse(config: WarehouseConfig, baseDir: string): string {
  if (config.kind === "postgres") {
    const { mode, rootCert, client } = acceptedSsl(config);
    const tls =
      mode === "disable"
        ? ""
        : // `require` with a root certificate checks the chain, as verify-ca does (libpq's rule).
          `, TLS ${mode}${rootCert ? `${mode === "require" ? " (chain checked)" : ""} against ${resolve(baseDir, rootCert)}` : ""}${
            client ? `, client certificate ${resolve(baseDir, client.cert)}` : ""
          }`;
    return `postgres ${postgresTarget(config).label}${tls}`;
  }
  return `duckdb ${config.path === ":memory:" ? ":memory:" : resolve(baseDir, config.path)}`;
}
