import { inspect } from "node:util";

const MASK = "***";
const known = new Set<string>();
let pattern: RegExp | undefined;

/** Secrets shorter than this are too likely to collide with ordinary text to mask by value. */
const MIN_MASKED_LENGTH = 4;

/** Query parameters and header-like keys whose values are always masked, whatever they hold. */
const SENSITIVE_KEYS =
  /((?:access_token|refresh_token|client_secret|password|passwd|secret|token|api_key|apikey|assertion|signature|oauth_signature|sessionid)=)[^&\s"']+/gi;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Registers a value so that it is masked wherever pslink prints or records text. */
export function registerSecret(value: string): void {
  if (value.length < MIN_MASKED_LENGTH || known.has(value)) return;
  known.add(value);
  pattern = undefined;
}

function secretPattern(): RegExp | undefined {
  if (known.size === 0) return undefined;
  if (!pattern) {
    const alternatives = [...known]
      .sort((a, b) => b.length - a.length)
      .map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    pattern = new RegExp(alternatives.join("|"), "g");
  }
  return pattern;
}

/** Masks every registered secret, URL credentials, bearer tokens and sensitive query values. */
export function redact(text: string): string {
  let out = text;
  const secrets = secretPattern();
  if (secrets) out = out.replace(secrets, MASK);
  return out
    .replace(URL_USERINFO, `$1${MASK}:${MASK}@`)
    .replace(SENSITIVE_KEYS, `$1${MASK}`)
    .replace(BEARER, `$1 ${MASK}`);
}

/** A secret value that prints as `***` everywhere; call `reveal()` only where it is sent. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    registerSecret(value);
  }

  /** The raw value, for the one place that sends it (an auth header, a connection). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return `Secret(${MASK})`;
  }
}
