import { expect } from "vitest";
import { parseConfig } from "../../core/config/index.js";
import { describeError, PslinkError } from "../../core/errors.js";

/** What config check says of `yaml` (it must be refused as a config error). */
export function configProblems(yaml: string, env: Record<string, string> = {}): string {
  try {
    parseConfig(yaml, { file: "pslink.yml", baseDir: "/tmp", env });
  } catch (error) {
    expect(error).toBeInstanceOf(PslinkError);
    expect((error as PslinkError).kind).toBe("config");
    return describeError(error);
  }
  throw new Error("expected the config to be rejected");
}
