import { validateDetailed } from "node-cron";
import { z } from "zod";
import { stepSchema } from "../jobs/steps.js";

const cron = z.string().superRefine((expression, ctx) => {
  const result = validateDetailed(expression);
  if (!result.valid) {
    const reasons = result.errors.map((e) => `${e.field}: ${e.message}`).join("; ");
    ctx.addIssue({
      code: "custom",
      message: `"${expression}" is not a cron expression (${reasons}); write five fields "min hour day month weekday" (an optional leading seconds field), e.g. "5 * * * *"`,
    });
  }
});

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: "write an IANA time zone such as UTC, Europe/London or America/New_York" },
);

const schedule = z.strictObject({
  cron,
  timezone: timeZone.optional(),
  enabled: z.boolean().default(true),
  steps: z.array(stepSchema).min(1, { message: "a schedule needs at least one step" }),
});

/** DESIGN's defaults: hourly incremental sync + build; nightly full reconciliation + plan; apply windows. */
export const DEFAULT_SCHEDULES = {
  hourly: { cron: "5 * * * *", steps: ["sync", "build"] },
  nightly: {
    cron: "0 2 * * *",
    steps: [{ sync: { full_refresh: true } }, "build", "test", "plan"],
  },
  apply: { cron: "*/15 * * * *", steps: ["apply"] },
};

/** The `schedules:` section of pslink.yml. */
export const schedulesSchema = z
  .strictObject({
    timezone: timeZone.default("UTC"),
    jobs: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), schedule).prefault(DEFAULT_SCHEDULES),
  })
  .prefault({});

export type SchedulesConfig = z.infer<typeof schedulesSchema>;
export type ScheduleConfig = z.infer<typeof schedule>;
