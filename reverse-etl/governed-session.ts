import { userInfo } from "node:os";

/** Who runs a command when no steward is named: the OS user, for the audit log. */
export function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return "pslink";
  }
}

/** Commander collector for repeatable options (`--item A --item B`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
