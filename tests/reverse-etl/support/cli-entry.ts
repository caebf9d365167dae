import { main } from "../../../cli/main.js";

/** Runs the pslink CLI from source (vite-node), for tests that need a separate process. */
process.exitCode = await main(process.argv);
