/**
 * Asset keys travel over Pipes as Dagster's "escaped user string": path parts joined by `/`,
 * with `\` and `/` inside a part escaped by a backslash (`AssetKey.to_escaped_user_string`).
 */

/** An asset key as a path (`["raw_salesforce", "accounts"]`) or already in Pipes' string form. */
export type AssetKeyInput = readonly string[] | string;

/** Path parts → the escaped string Dagster parses with `AssetKey.from_escaped_user_string`. */
export function toPipesAssetKey(key: AssetKeyInput): string {
  if (typeof key === "string") return key;
  return key.map((part) => part.replaceAll("\\", "\\\\").replaceAll("/", "\\/")).join("/");
}

/** The escaped string → path parts (`dagster_pipes.to_asset_key_path`). */
export function fromPipesAssetKey(key: string): string[] {
  const parts: string[] = [];
  let current = "";
  let escaped = false;
  for (const char of key) {
    if (escaped) {
      current += char;
      escaped = false;
    } else if (char === "\\") {
      escaped = true;
    } else if (char === "/") {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (current) parts.push(current);
  return parts;
}
