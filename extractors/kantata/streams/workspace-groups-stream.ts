import { z } from "zod";
import { bool, text, timestamp } from "../../engine/fields.js";
import { kantataStream } from "../kantata-request.js";

/** Client groups (Kantata's customers). */
export const workspaceGroupsStream = kantataStream({
  name: "workspace_groups",
  schema: z.looseObject({
    id: text(),
    name: text(),
    company: bool(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
});
