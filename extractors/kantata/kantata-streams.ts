import type { StreamDefinition } from "../engine/define-stream.js";
import type { KantataRequest } from "./kantata-request.js";
import { assignmentsStream } from "./streams/assignments-stream.js";
import { customFieldValuesStream } from "./streams/custom-field-values-stream.js";
import { expensesStream } from "./streams/expenses-stream.js";
import { externalReferencesStream } from "./streams/external-references-stream.js";
import { invoicesStream } from "./streams/invoices-stream.js";
import { storiesStream } from "./streams/stories-stream.js";
import { timeEntriesStream } from "./streams/time-entries-stream.js";
import { usersStream } from "./streams/users-stream.js";
import { workspaceGroupsStream } from "./streams/workspace-groups-stream.js";
import { workspacesStream } from "./streams/workspaces-stream.js";

/** Every Kantata OX stream pslink extracts. */
export const KANTATA_STREAMS: readonly StreamDefinition<KantataRequest>[] = [
  workspaceGroupsStream,
  workspacesStream,
  usersStream,
  storiesStream,
  assignmentsStream,
  timeEntriesStream,
  expensesStream,
  invoicesStream,
  externalReferencesStream,
  customFieldValuesStream,
];
