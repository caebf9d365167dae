import { randomBytes } from "node:crypto";

/** Issues opaque access tokens with a lifetime, and can expire them all on demand. */
export class TokenStore {
  readonly #expiries = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlSeconds: number, now: () => number = Date.now) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#now = now;
  }

  /** A new token; `prefix` makes tokens recognisable in request logs. */
  issue(prefix: string): { token: string; expiresInSeconds: number } {
    const token = `${prefix}${randomBytes(24).toString("base64url")}`;
    this.#expiries.set(token, this.#now() + this.#ttlMs);
    return { token, expiresInSeconds: Math.round(this.#ttlMs / 1000) };
  }

  /** True when the token was issued here and has not expired. */
  valid(token: string | undefined): boolean {
    if (token === undefined) return false;
    const expiry = this.#expiries.get(token);
    if (expiry === undefined) return false;
    if (expiry <= this.#now()) {
      this.#expiries.delete(token);
      return false;
    }
    return true;
  }

  /** Expires every issued token (as a tenant's admin revoking sessions would). */
  revokeAll(): void {
    this.#expiries.clear();
  }
}

/** A random credential string of the given length in url-safe characters. */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}
