/** The warehouse lock one run at a time holds (CLI, scheduler and Dagster alike). */
export const RUN_LOCK_NAME = "run";
