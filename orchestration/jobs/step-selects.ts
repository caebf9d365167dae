import type { PslinkConfig } from "../../core/config/index.js";
import { configError } from "../../core/errors.js";
import { checkSelects } from "../../transform/graph/selector.js";
import { parseProject } from "../../transform/run/open-project.js";
import { describeStep } from "./steps.js";

/**
 * Refuses schedule steps whose `select` chooses nothing of the project: the build or test would
 * otherwise fail on that at every run of its schedule, hours after the config was written. Read
 * when the scheduler starts and by `config check`, against the project the steps will run.
 */
export async function checkStepSelects(config: PslinkConfig, projectDir: string): Promise<void> {
  const steps = Object.entries(config.schedules.jobs).flatMap(([job, { steps }]) =>
    steps.flatMap((step, index) =>
      (step.kind === "build" || step.kind === "test") && step.select
        ? [{ at: `schedules.jobs.${job}.steps[${index}]`, step, select: step.select }]
        : [],
    ),
  );
  if (steps.length === 0) return;
  const manifest = await parseProject({ projectDir, kind: config.warehouse.kind });
  const problems = steps.flatMap(({ at, step, select }) => {
    try {
      checkSelects(manifest, select.split(/\s+/), { tests: step.kind === "test" });
      return [];
    } catch (error) {
      return [`${at} (${describeStep(step)}): ${(error as Error).message}`];
    }
  });
  if (problems.length === 0) return;
  throw configError(problems.join("\n"), {
    hint: `name models (or tests) of the project in ${projectDir}: a name, a folder, path:, tag:, source: or config.materialized:`,
  });
}
