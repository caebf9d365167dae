/**
 * A number as a vendor writes it, which `JSON.stringify` cannot: `1500.0` (NetSuite writes
 * currency amounts with their decimals), `1e2`, an integer past 2^53 (a 64-bit id) or `1e400`.
 * A world record holds it as a field value; every reply writes its text as the number.
 */
export class NumberText {
  constructor(readonly text: string) {
    if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw new Error(`not a JSON number: ${text}`);
  }

  /** A stand-in string that `writeNumberTexts` replaces with the number's text. */
  toJSON(): string {
    return `${MARK}${this.text}${MARK}`;
  }
}

/** A private-use character: JSON.stringify leaves it as it is, and vendor data does not use it. */
const MARK = "\uE000";
const STAND_IN = new RegExp(`"${MARK}([-+.0-9eE]+)${MARK}"`, "g");

/** `json` with every `NumberText` stand-in written as its number. */
export function writeNumberTexts(json: string): string {
  return json.includes(MARK) ? json.replace(STAND_IN, "$1") : json;
}
