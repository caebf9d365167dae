import { kantataStamp } from "./calendar.js";
import type { FirmState } from "./firm-state.js";
import type { KoExternalReference } from "./vendor-records.js";

/** Adds a Kantata external reference linking a subject to another system's record. */
export function addExternalRef(
  state: FirmState,
  subjectType: KoExternalReference["subject_type"],
  subjectId: string,
  serviceName: KoExternalReference["service_name"],
  serviceModel: string,
  ref: string,
  atMs: number,
): KoExternalReference {
  const record: KoExternalReference = {
    id: state.ids.take("kantata.external_references"),
    subject_type: subjectType,
    subject_id: subjectId,
    service_name: serviceName,
    service_model: serviceModel,
    service_model_ref: ref,
    created_at: kantataStamp(atMs),
    updated_at: "",
  };
  state.store.externalRefs.upsert(record, atMs);
  return record;
}
