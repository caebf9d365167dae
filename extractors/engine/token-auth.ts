import { configError, transientError } from "../../core/errors.js";
import { redact, Secret } from "../../core/secret.js";
import { markupAnswer } from "./describe-answer.js";
import {
  type Authenticator,
  type HttpRequest,
  type HttpResponse,
  maskUrl,
  redirectError,
  type Send,
} from "./http-client.js";
import { isObject, vendorMessage } from "./response-shape.js";
import { FINAL_SERVER_STATUSES } from "./retry-policy.js";

/** What a token endpoint answered, reduced to what the engine needs. */
export interface IssuedToken {
  accessToken: string;
  /** Lifetime in seconds, when the endpoint says. */
  expiresIn?: number;
  /** Extra fields some vendors return (Salesforce `instance_url`). */
  extra?: Record<string, unknown>;
}

/** Answers of an address with no token endpoint: none there, or not for a POST. */
const NOT_THERE: ReadonlySet<number> = new Set([404, 405, 501]);

/** Refresh a little before the endpoint's stated expiry so no request races it. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Bearer auth backed by a token endpoint: fetched on first use, refreshed on expiry or after a
 * 401. `fetchToken` builds the vendor's token request; the token is registered as a secret.
 */
export class TokenAuthenticator implements Authenticator {
  #token: { secret: Secret; expiresAt: number; extra: Record<string, unknown> } | undefined;
  #pending: Promise<void> | undefined;

  constructor(
    private readonly system: string,
    private readonly tokenRequest: () => Promise<HttpRequest>,
  ) {}

  async headers(_request: HttpRequest, send: Send): Promise<Record<string, string>> {
    if (!this.#token || Date.now() >= this.#token.expiresAt) {
      this.#pending ??= this.#refresh(send).finally(() => {
        this.#pending = undefined;
      });
      await this.#pending;
    }
    return { authorization: `Bearer ${(this.#token as { secret: Secret }).secret.reveal()}` };
  }

  invalidate(): void {
    this.#token = undefined;
  }

  /** Extra fields of the current token response (after the first request). */
  extra(name: string): unknown {
    return this.#token?.extra[name];
  }

  async #refresh(send: Send): Promise<void> {
    const request = await this.tokenRequest();
    const response = await send(request);
    if (
      response.status === 429 ||
      (response.status >= 500 && !FINAL_SERVER_STATUSES.has(response.status))
    ) {
      // The status goes along: a token endpoint failing as long as the data requests' retries
      // last counts against the system like their own server errors.
      throw transientError(`${this.system} token endpoint answered ${response.status}`, {
        details: { status: response.status },
      });
    }
    if (response.status >= 300 && response.status < 400) {
      throw redirectError(
        this.system,
        request,
        response,
        `sources.${this.system}.base_url (or auth.token_url)`,
      );
    }
    const token = parseToken(response);
    if (!token) {
      const reason = oauthReason(response.body);
      // No OAuth error: an address that is not a token endpoint (none there, or a web page).
      const markup = markupAnswer(response);
      const { status } = response;
      if (!reason && (NOT_THERE.has(status) || (status < 300 && markup)))
        throw configError(
          `${this.system} token endpoint ${maskUrl(request.url)} answered ${status}${markup ? ` with ${markup}` : ""}: no token endpoint is there`,
          {
            hint: `set sources.${this.system}.auth.token_url to the address the vendor issues tokens at (unset, it is derived from base_url)`,
          },
        );
      throw configError(
        `${this.system} token request was refused (${response.status}${reason ? ` ${reason}` : ""})`,
        { hint: `check sources.${this.system}.auth in pslink.yml and the secrets it references` },
      );
    }
    const lifetime =
      token.expiresIn === undefined ? Number.POSITIVE_INFINITY : token.expiresIn * 1000;
    this.#token = {
      secret: new Secret(token.accessToken),
      expiresAt: Date.now() + Math.max(lifetime - EXPIRY_MARGIN_MS, lifetime / 2),
      extra: token.extra ?? {},
    };
  }
}

/**
 * `error: error_description` of an OAuth 2.0 error answer (RFC 6749 §5.2), e.g. Salesforce's
 * `invalid_grant: no client credentials user enabled`. Redacted: the request held the client
 * secret, and a vendor may echo what it was sent.
 */
function oauthReason(body: string): string | undefined {
  const reason = vendorMessage(body, (parsed) => {
    if (!isObject(parsed) || typeof parsed.error !== "string") return undefined;
    const description = parsed.error_description;
    return typeof description === "string" && description !== ""
      ? `${parsed.error}: ${description}`
      : parsed.error;
  });
  return reason === undefined ? undefined : redact(reason);
}

function parseToken(response: HttpResponse): IssuedToken | undefined {
  if (response.status !== 200) return undefined;
  try {
    const body = JSON.parse(response.body) as Record<string, unknown>;
    if (typeof body.access_token !== "string") return undefined;
    const expiresIn = Number(body.expires_in);
    return {
      accessToken: body.access_token,
      expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
      extra: body,
    };
  } catch {
    return undefined;
  }
}
