import type { TargetSystem } from "../../core/config/governance-schema.js";
import { KANTATA_OBJECTS } from "./kantata-objects.js";
import { NETSUITE_OBJECTS } from "./netsuite-objects.js";
import { SALESFORCE_OBJECTS } from "./salesforce-objects.js";
import type { ObjectSpec } from "./writer-types.js";

/** Every writable object per target system; planning needs these, not the writers' clients. */
export const OBJECT_CATALOG: Readonly<Record<TargetSystem, Readonly<Record<string, ObjectSpec>>>> =
  {
    netsuite: NETSUITE_OBJECTS,
    kantata: KANTATA_OBJECTS,
    salesforce: SALESFORCE_OBJECTS,
  };
