import { CronExpressionParser } from "cron-parser";
import { validateDetailed } from "node-cron";
import { z } from "zod";
import { registerSecret, Secret } from "../secret.js";
import { isTimeZone } from "../zone-clock.js";

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The environment the config is resolved against (process.env plus the config's .env file). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Context threaded through a config parse so that `${VAR}` references resolve. */
export interface ConfigContext {
  env: Env;
}

let active: ConfigContext = { env: process.env };

/** Runs `fn` with `context` as the environment for `${VAR}` references. */
export function withConfigContext<T>(context: ConfigContext, fn: () => T): T {
  const previous = active;
  active = context;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/** A plain string in which `${VAR}` references are replaced from the environment. */
export const text = () =>
  z.string().transform((value, ctx) => {
    let missing: string | undefined;
    const resolved = value.replace(ENV_REF, (_match, name: string) => {
      const found = active.env[name];
      if (found === undefined) missing = name;
      return found ?? "";
    });
    if (missing !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: `environment variable ${missing} is not set: export it, or add it to the .env file beside pslink.yml`,
      });
      return z.NEVER;
    }
    return resolved;
  });

/** Schemas made by `secret()`: config errors never echo a value found where one belongs. */
export const secretSchemas = new WeakSet<z.core.$ZodType>();

/**
 * A secret: must be written as a whole `${VAR}` reference (never a literal in the file),
 * and becomes a `Secret` that prints as `***`.
 */
export const secret = () => {
  const schema = secretValue();
  secretSchemas.add(schema);
  return schema;
};

const secretValue = () =>
  z.string().transform((value, ctx) => {
    const match = WHOLE_ENV_REF.exec(value.trim());
    if (!match) {
      ctx.addIssue({ code: "custom", message: LITERAL_SECRET });
      return z.NEVER;
    }
    const found = secretReference(match[1] as string, ctx);
    return found === undefined ? z.NEVER : new Secret(found);
  });

const LITERAL_SECRET =
  "secrets are read from the environment only: write a reference such as ${MY_SECRET} and export MY_SECRET (or put it in the .env file beside pslink.yml)";

/** The issue `params` key naming the variable a secret's reference found no value in. */
export const MISSING_SECRET = "missingSecret";

/** The value of a secret's `${name}`, or undefined with the issue added when it has none. */
function secretReference(name: string, ctx: z.RefinementCtx): string | undefined {
  const found = active.env[name];
  if (found !== undefined && found !== "") return found;
  ctx.addIssue({
    code: "custom",
    message: `environment variable ${name} is ${found === "" ? "set but empty" : "not set"}: export it with a value, or add it to the .env file beside pslink.yml`,
    params: { [MISSING_SECRET]: name },
  });
  return undefined;
}

/** `scheme://` `user[:password]@` and the rest of a URL, split as written (before any `${…}`). */
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(?:([^/?#@]*)@)?(.*)$/s;

/**
 * A connection URL, which holds the password: either one whole `${VAR}` reference, or the URL
 * written out with its password as a reference (`user:${PG_PASSWORD}@` after the scheme), as
 * dbt profiles and compose files write it. The user and password references are filled in
 * percent-encoded, so a password holding `@`, `/` or `%` still parses; references elsewhere are
 * filled in as they are. A password written out in the file is refused (one after the `?` is
 * refused with the other parameters pslink does not read, `postgresTargetProblem`); a URL
 * without one (trust or peer authentication) needs none.
 */
export const secretUrl = () => {
  const schema = z.string().transform((value, ctx) => {
    const whole = WHOLE_ENV_REF.exec(value.trim());
    if (whole) {
      const found = secretReference(whole[1] as string, ctx);
      return found === undefined ? z.NEVER : new Secret(found);
    }
    const parts = URL_PARTS.exec(value.trim());
    if (!parts) {
      ctx.addIssue({ code: "custom", message: LITERAL_SECRET });
      return z.NEVER;
    }
    const [, scheme, userinfo, rest = ""] = parts;
    const colon = userinfo?.indexOf(":") ?? -1;
    const written = userinfo !== undefined && colon >= 0 ? userinfo.slice(colon + 1) : "";
    const passwordName = WHOLE_ENV_REF.exec(written)?.[1];
    if (written !== "" && passwordName === undefined) {
      ctx.addIssue({
        code: "custom",
        message:
          "the password is written out in the url: put it in an environment variable (or the .env file beside pslink.yml) and write user:${PG_PASSWORD}@ in its place, or make the whole url one reference such as ${PSLINK_PG_URL}",
      });
      return z.NEVER;
    }
    let missing = false;
    const fill = (text: string, encode: boolean) =>
      text.replace(ENV_REF, (_match, name: string) => {
        const found = secretReference(name, ctx);
        if (found === undefined) missing = true;
        return encode ? encodeURIComponent(found ?? "") : (found ?? "");
      });
    const user =
      userinfo === undefined
        ? undefined
        : fill(userinfo.slice(0, colon < 0 ? undefined : colon), true);
    const password = passwordName === undefined ? undefined : secretReference(passwordName, ctx);
    if (passwordName !== undefined && password === undefined) missing = true;
    // Masked on its own too: a driver's message may quote the password without the URL.
    if (password !== undefined) registerSecret(password);
    const credentials = password === undefined ? user : `${user}:${encodeURIComponent(password)}`;
    const filled = `${scheme}${credentials === undefined ? "" : `${credentials}@`}${fill(rest, false)}`;
    return missing ? z.NEVER : new Secret(filled);
  });
  secretSchemas.add(schema);
  return schema;
};

const DURATION = /^(-?\d+)\s*(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A duration such as `90s`, `10m`, `2h` or `3d`, parsed to milliseconds; longer than zero
 * unless `orZero` (a lookback of `0s` reads nothing twice). A bare number is refused rather than
 * read as milliseconds: `window: 30` meant 30 days, not 30 ms windows.
 */
export const duration = (options: { orZero?: boolean } = {}) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    if (typeof value === "number") {
      const n = value > 0 ? value : 30;
      ctx.addIssue({
        code: "custom",
        message: `${value} has no unit: write a length of time with one, e.g. ${n}s or ${n}d (units: ms, s, m, h, d)`,
      });
      return z.NEVER;
    }
    const match = DURATION.exec(value.trim());
    if (!match) {
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is not a duration: write a number with a unit, e.g. 500ms, 30s, 10m, 2h or 3d`,
      });
      return z.NEVER;
    }
    const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    if (ms < 0 || (ms === 0 && !options.orZero)) {
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is not a length of time: write one longer than 0${options.orZero ? " (or 0s)" : ""}, e.g. 30s`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** A duration in ms written back the way `duration()` reads it: `30h`, `90m`, `45s`, `500ms`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["h", UNIT_MS.h],
    ["m", UNIT_MS.m],
    ["s", UNIT_MS.s],
  ] as const)
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** An http(s) base URL without a trailing slash. */
export const baseUrl = () =>
  text().pipe(
    z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, {
        message: "write an absolute http(s) URL, e.g. https://acme.my.salesforce.com",
      })
      .transform((value) => value.replace(/\/+$/, "")),
  );

/**
 * A cron expression (five fields, or six with seconds) that both node-cron (schedules) and
 * cron-parser (write windows) accept, so one expression means the same everywhere.
 */
export const cronExpression = () =>
  z.string().superRefine((expression, ctx) => {
    const detail = validateDetailed(expression);
    let parsed = detail.valid;
    if (parsed) {
      try {
        CronExpressionParser.parse(expression);
      } catch {
        parsed = false;
      }
    }
    if (!parsed) {
      const reasons = detail.errors.map((e) => `${e.field}: ${e.message}`).join("; ");
      ctx.addIssue({
        code: "custom",
        message: `"${expression}" is not a cron expression${reasons ? ` (${reasons})` : ""}; write five fields "min hour day month weekday" (an optional leading seconds field), e.g. "0 22 * * *"`,
      });
    }
  });

/** An IANA time zone name. */
export const timeZone = () =>
  z.string().refine(isTimeZone, {
    message: "write an IANA time zone such as UTC, Europe/London or America/New_York",
  });
