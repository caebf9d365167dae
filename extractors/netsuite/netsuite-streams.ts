import type { StreamDefinition } from "../engine/define-stream.js";
import type { NetsuiteRequest } from "./netsuite-request.js";
import { accountingperiodStream } from "./streams/accountingperiod-stream.js";
import { customerStream } from "./streams/customer-stream.js";
import { employeeStream } from "./streams/employee-stream.js";
import { jobStream } from "./streams/job-stream.js";
import { subsidiaryStream } from "./streams/subsidiary-stream.js";
import { timebillStream } from "./streams/timebill-stream.js";
import { transactionStream } from "./streams/transaction-stream.js";
import { transactionlineStream } from "./streams/transactionline-stream.js";

/** Every NetSuite stream pslink extracts. */
export const NETSUITE_STREAMS: readonly StreamDefinition<NetsuiteRequest>[] = [
  subsidiaryStream,
  customerStream,
  jobStream,
  employeeStream,
  timebillStream,
  transactionStream,
  transactionlineStream,
  accountingperiodStream,
];
