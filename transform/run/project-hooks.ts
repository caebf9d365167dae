import { configError, describeError, PslinkError } from "../../core/errors.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { compileHook, type ExecuteContext, type ProjectHookKind } from "./node-compiler.js";

/**
 * Runs dbt_project.yml's hooks of `kind`, in order, each as one statement rendered at execute
 * time (vars, macros, `ref` and `source` work). A hook that renders to nothing is skipped, so a
 * hook may be a check that only raises (`exceptions.raise_compiler_error`). The first failure
 * ends the hooks and is thrown, naming the hook.
 */
export async function runProjectHooks(
  context: ExecuteContext,
  warehouse: Warehouse,
  kind: ProjectHookKind,
): Promise<void> {
  const hooks = context.manifest.project.file[kind];
  for (const index of hooks.keys()) {
    try {
      const sql = compileHook(context, kind, index);
      if (sql !== "") await warehouse.execute(sql);
    } catch (error) {
      // What the hook raised (`exceptions.raise_compiler_error`) says it all; a template line of
      // a one-line hook adds nothing.
      const cause =
        error instanceof PslinkError && error.cause instanceof PslinkError ? error.cause : error;
      const why = cause === error ? describeError(error) : (cause as PslinkError).message;
      throw configError(
        `${kind} hook ${index + 1} of ${hooks.length} (dbt_project.yml) failed: ${why}`,
        {
          hint:
            kind === "on-run-start"
              ? "nothing was built or tested: fix what the hook reports (its SQL, or the vars it checks) and run again"
              : "the run's nodes ran: fix what the hook reports (its SQL, or what it checks) and run again",
          cause,
        },
      );
    }
  }
}

/** Runs the on-run-end hooks; their failure, described, is returned for the run's result. */
export async function endHooks(
  context: ExecuteContext,
  warehouse: Warehouse,
): Promise<string | undefined> {
  try {
    await runProjectHooks(context, warehouse, "on-run-end");
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}
