import { describe, expect, it } from "vitest";
import { type ProgressLine, renderProgress } from "../../cli/commands/progress-view.js";
import { syncProgress } from "../../cli/commands/sync-progress.js";
import { createLogger } from "../../core/logger.js";
import { STREAM_CATALOG } from "../../extractors/stream-catalog.js";

const NOW = 1_750_000_000_000;

/** Every declared stream (20-odd), the first `finished` done, the rest mid-way. */
function streams(finished: number): ProgressLine[] {
  const names = Object.entries(STREAM_CATALOG).flatMap(([system, list]) =>
    list.map((stream) => `${system}.${stream.name}`),
  );
  return names.map((name, i) => ({
    name,
    state: i < finished ? (i === 1 ? "failed" : "succeeded") : "running",
    mode: i % 2 === 0 ? "incremental" : "full",
    read: 1_234_567 + i,
    rows: 1_200_000 + i,
    pages: 4_321 + i,
    startedAt: NOW - 12_000,
  }));
}

function fits(frame: string, columns: number, rows: number): string[] {
  const lines = frame.split("\n");
  for (const line of lines) expect(line.length, line).toBeLessThan(columns);
  // log-update leaves the cursor on the line below the frame.
  expect(lines.length).toBeLessThan(rows);
  return lines;
}

describe("the live sync display", () => {
  it("has at least 20 streams to fit", () => {
    expect(streams(0).length).toBeGreaterThanOrEqual(20);
  });

  it("fits an 80×24 terminal: one line a stream, the columns that do not fit dropped", () => {
    const all = streams(8);
    const lines = fits(renderProgress(all, { columns: 80, rows: 24 }, NOW), 80, 24);
    expect(lines).toHaveLength(all.length);
    const running = lines.find((line) => line.startsWith("… "));
    expect(running).toMatch(/ \d+ read +\d+ committed$/);
  });

  it("folds finished streams into one line when the streams outnumber the rows", () => {
    const all = streams(8);
    const lines = fits(renderProgress(all, { columns: 80, rows: 16 }, NOW), 80, 16);
    const running = all.length - 8;
    expect(lines).toHaveLength(Math.min(running, 14) + 1);
    expect(lines.at(-1)).toBe(
      `✓ 7 finished  ✗ 1 failed  ${all.slice(0, 8).reduce((n, line) => n + line.rows, 0)} rows committed`,
    );
  });

  it("keeps every column on a 120×40 terminal and shows every stream", () => {
    const all = streams(8);
    const lines = fits(renderProgress(all, { columns: 120, rows: 40 }, NOW), 120, 40);
    expect(lines).toHaveLength(all.length);
    const running = lines.find((line) => line.startsWith("… "));
    expect(running).toMatch(/incremental|full/);
    expect(running).toMatch(/\d+ read +\d+ committed +\d+ pages +\d+ rows\/s$/);
  });

  it("shows the running streams it can and counts the rest when even they do not fit", () => {
    const lines = fits(renderProgress(streams(0), { columns: 80, rows: 10 }, NOW), 80, 10);
    expect(lines).toHaveLength(9);
    expect(lines.at(-1)).toMatch(/^… \d+ more running$/);
  });
});

describe("syncProgress on a terminal", () => {
  it("draws as on 80×24 when the terminal reports no size (0×0, as a pseudo-terminal may)", () => {
    let out = "";
    const terminal = {
      isTTY: true,
      columns: 0,
      rows: 0,
      write: (text: string) => {
        out += text;
        return true;
      },
    };
    const progress = syncProgress(createLogger(), terminal);
    progress.onEvent({
      type: "stream-started",
      system: "kantata",
      stream: "time_entries",
      mode: "full",
      fromMs: NOW - 60_000,
      toMs: NOW,
    });
    progress.stop();
    expect(out).toContain("kantata.time_entries");
    expect(out).toContain("full");
  });
});
