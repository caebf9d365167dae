import { z } from "zod";

/** One step of a scheduled or orchestrated run; each maps to one plain async job. */
export type Step =
  | { kind: "sync"; full_refresh: boolean; sources?: string[] }
  | { kind: "build"; full_refresh: boolean; select?: string }
  | { kind: "test"; select?: string }
  | { kind: "plan" }
  | { kind: "apply" };

export type StepKind = Step["kind"];
export const STEP_KINDS = [
  "sync",
  "build",
  "test",
  "plan",
  "apply",
] as const satisfies readonly StepKind[];

const stepObject = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("sync"),
      full_refresh: z.boolean().default(false),
      sources: z.array(z.string()).optional(),
    }),
    z.strictObject({
      kind: z.literal("build"),
      full_refresh: z.boolean().default(false),
      select: z.string().optional(),
    }),
    z.strictObject({ kind: z.literal("test"), select: z.string().optional() }),
    z.strictObject({ kind: z.literal("plan") }),
    z.strictObject({ kind: z.literal("apply") }),
  ],
  { error: () => `a step is one of ${STEP_KINDS.join(", ")}` },
);

/**
 * A step as written in YAML: a bare name (`sync`) or a one-key mapping with options
 * (`{ sync: { full_refresh: true } }`).
 */
export const stepSchema = z.preprocess((value, ctx) => {
  if (typeof value === "string") return { kind: value };
  if (value && typeof value === "object" && !Array.isArray(value) && !("kind" in value)) {
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [kind, options] = entries[0] as [string, unknown];
      if (options !== null && (typeof options !== "object" || Array.isArray(options))) {
        // `- sync: full_refresh` would otherwise read as a plain sync.
        ctx.addIssue({
          code: "custom",
          message: `a step's options are a mapping, e.g. ${kind}: { full_refresh: true }; got ${JSON.stringify(options)}`,
        });
        return z.NEVER;
      }
      return { kind, ...(options ?? {}) };
    }
  }
  return value;
}, stepObject);

/** Short label of a step for logs and run history, e.g. `sync(full)`. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case "sync":
      return `sync${step.full_refresh ? "(full)" : ""}${step.sources ? `[${step.sources.join(",")}]` : ""}`;
    case "build":
      return `build${step.full_refresh ? "(full)" : ""}${step.select ? `[${step.select}]` : ""}`;
    case "test":
      return `test${step.select ? `[${step.select}]` : ""}`;
    case "plan":
    case "apply":
      return step.kind;
  }
}
