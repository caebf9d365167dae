import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";

/** One measured line of the results table. */
export interface BenchRow {
  step: string;
  warehouse: string;
  records: number | null;
  seconds: number;
  recordsPerSecond: number | null;
  peakRssMiB: number | null;
  /** CPU time (user + system) of the measured process. */
  cpuSeconds: number;
  cpuMicrosPerRecord: number | null;
  /** CPU time the sandbox (its own process) spent meanwhile, serving the run's requests. */
  sandboxCpuSeconds: number;
  sandboxCpuMicrosPerRecord: number | null;
  note?: string;
}

/** Every figure of one benchmark run, as written to `bench/results/<date>-<size>.json`. */
export interface BenchResults {
  startedAt: string;
  size: string;
  seed: number;
  asOf: string;
  machine: {
    nproc: number;
    cpu: string;
    memoryGiB: number;
    freeGiB: number;
    node: string;
    loadAverage: { before: number[]; after?: number[] };
    /**
     * The machine's speed at the start and the end (`calibrationMs`): what to set the CPU per
     * record against when two runs, or two sessions' machines, are compared.
     */
    calibrationMs: { before: number; after?: number };
  };
  rows: BenchRow[];
  ratios: Record<string, number>;
  /** Steps that failed (their error), when any did. */
  failures?: string[];
}

/** Machine facts recorded beside the figures (other work on the machine moves them). */
export function machineFacts(): BenchResults["machine"] {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeGiB: round(freemem() / 2 ** 30, 1),
    node: process.version,
    loadAverage: { before: loadavg().map((value) => round(value, 2)) },
    calibrationMs: { before: calibrationMs() },
  };
}

/**
 * A fixed piece of the work a sync does on Node's thread, timed: 20,000 time-entry-like records
 * parsed from one JSON text, each written out again and hashed (md5). The median of 15 rounds, in
 * ms; lower is faster. Only the machine moves it, so a slower figure tells a slower machine.
 */
export function calibrationMs(): number {
  const records = Array.from({ length: 20_000 }, (_, i) => ({
    id: 100_000 + i,
    story_id: String(7_000 + (i % 977)),
    user_id: String(300 + (i % 211)),
    date_performed: `2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
    time_in_minutes: (i * 37) % 600,
    billable: i % 3 !== 0,
    notes: `entry ${i} for sprint ${i % 40}`,
    updated_at: new Date(Date.UTC(2026, 0, 1) + i * 61_000).toISOString(),
  }));
  const text = JSON.stringify(records);
  const rounds: number[] = [];
  for (let round = 0; round < 15; round++) {
    const start = process.hrtime.bigint();
    const hash = createHash("md5");
    for (const record of JSON.parse(text) as unknown[]) hash.update(JSON.stringify(record));
    hash.digest();
    rounds.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  rounds.sort((a, b) => a - b);
  return round(rounds[7] as number, 1);
}

/** The results table as text lines. */
export function formatTable(rows: readonly BenchRow[]): string[] {
  const header = [
    "step",
    "warehouse",
    "records",
    "seconds",
    "records/s",
    "peak RSS MiB",
    "CPU s (µs/record)",
    "sandbox CPU s (µs/record)",
    "note",
  ];
  const cpu = (seconds: number, perRecord: number | null) =>
    `${seconds.toFixed(1)}${perRecord === null ? "" : ` (${perRecord.toFixed(1)})`}`;
  const body = rows.map((row) => [
    row.step,
    row.warehouse,
    row.records === null ? "" : String(row.records),
    row.seconds.toFixed(1),
    row.recordsPerSecond === null ? "" : String(Math.round(row.recordsPerSecond)),
    row.peakRssMiB === null ? "" : String(row.peakRssMiB),
    cpu(row.cpuSeconds, row.cpuMicrosPerRecord),
    cpu(row.sandboxCpuSeconds, row.sandboxCpuMicrosPerRecord),
    row.note ?? "",
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...body.map((cells) => (cells[i] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
}

/** Writes the results JSON; returns its path. */
export function writeResults(dir: string, results: BenchResults): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${results.startedAt.slice(0, 10)}-${results.size}.json`);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
