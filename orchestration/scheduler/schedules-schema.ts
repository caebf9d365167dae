import { z } from "zod";
import { cronExpression, timeZone } from "../../core/config/primitives.js";
import { stepSchema } from "../jobs/steps.js";

const schedule = z.strictObject({
  cron: cronExpression(),
  timezone: timeZone().optional(),
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
    timezone: timeZone().default("UTC"),
    jobs: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), schedule).prefault(DEFAULT_SCHEDULES),
  })
  .prefault({});

export type SchedulesConfig = z.infer<typeof schedulesSchema>;
export type ScheduleConfig = z.infer<typeof schedule>;
