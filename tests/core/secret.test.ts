import { describe, expect, it } from "vitest";
import { createLogger } from "../../core/logger.js";
import { redact, registerSecret, Secret } from "../../core/secret.js";

describe("redact", () => {
  it("masks registered secrets wherever they appear", () => {
    const secret = new Secret("s3cr3t-value-xyz");
    expect(`${secret}`).toBe("***");
    expect(redact("token=s3cr3t-value-xyz; again s3cr3t-value-xyz")).not.toContain(
      "s3cr3t-value-xyz",
    );
  });

  it("masks URL credentials, bearer tokens and sensitive query parameters", () => {
    const text = redact(
      "GET https://user:pa55word@host/x?access_token=abc.def&page=2 Authorization: Bearer eyJhbGciOi.payload.sig",
    );
    expect(text).toBe(
      "GET https://***:***@host/x?access_token=***&page=2 Authorization: Bearer ***",
    );
  });

  it("keeps the logger from writing a registered secret", async () => {
    registerSecret("logged-secret-999");
    const { spawnSync } = await import("node:child_process");
    const script = `
      import { registerSecret } from "./dist/core/secret.js";
      import { createLogger } from "./dist/core/logger.js";
      registerSecret("logged-secret-999");
      createLogger({ source: "kantata" }).error({ url: "https://x/?token=logged-secret-999" }, "failed with logged-secret-999");
    `;
    const result = spawnSync("node", ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(result.stderr).toContain('"msg":"failed with ***"');
    expect(result.stderr).not.toContain("logged-secret-999");
    expect(createLogger).toBeTypeOf("function");
  });
});
