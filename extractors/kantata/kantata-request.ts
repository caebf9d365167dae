import { defineStream, type StreamInput } from "../engine/define-stream.js";

/** What a Kantata stream declares: its list path and any extra query parameters. */
export interface KantataRequest {
  readonly path: string;
  readonly params?: Readonly<Record<string, string>>;
}

/** Kantata lists: key `id`, cursor `updated_at`, path `<name>.json`, unless declared. */
export const kantataStream = (
  input: Omit<StreamInput<KantataRequest>, "primaryKey" | "cursor" | "request" | "docs"> &
    Partial<Pick<StreamInput<KantataRequest>, "primaryKey" | "cursor" | "request" | "docs">>,
) =>
  defineStream<KantataRequest>({
    primaryKey: "id",
    cursor: "updated_at",
    request: { path: `${input.name}.json` },
    docs: `https://developer.kantata.com/ox/api-reference/${input.name.replace(/_/g, "-")}`,
    ...input,
  });
