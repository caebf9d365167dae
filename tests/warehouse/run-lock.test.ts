import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { PslinkError } from "../../core/errors.js";
import { warehouseCases } from "../support/warehouses.js";
import { killHolder, spawnHolder } from "./fixtures/spawn-holder.js";

const children: Awaited<ReturnType<typeof spawnHolder>>[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map(killHolder));
});

describe.each(warehouseCases())("$kind: run lock", (wc) => {
  it("is exclusive within one process and free again once released", async () => {
    const warehouse = await wc.open();
    const lock = await warehouse.acquireLock("sync", "pslink sync");
    const refused = await warehouse.acquireLock("sync", "pslink sync").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PslinkError);
    expect((refused as PslinkError).message).toContain(`pid ${process.pid}`);
    // Other lock names are independent.
    const other = await warehouse.acquireLock("reconcile", "pslink reconcile");
    await other.release();
    await lock.release();
    const again = await warehouse.acquireLock("sync", "pslink sync");
    await again.release();
  });

  it("fails fast naming the holder while another process holds it, and frees it when that process is killed", async () => {
    const target = await wc.target();
    const child = await spawnHolder(target, "lock", "nightly");
    children.push(child);
    const warehouse = await wc.open(target);
    const started = Date.now();
    const refused = await warehouse
      .acquireLock("nightly", "pslink run nightly")
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(refused).toBeInstanceOf(PslinkError);
    const error = refused as PslinkError;
    expect(error.kind).toBe("transient");
    expect(error.details?.lock).toBe(true);
    expect(error.message).toContain(`pid ${child.pid}`);
    expect(error.message).toContain(hostname());
    expect(error.message).toContain("hold-warehouse fixture");

    await killHolder(child);
    const lock = await waitForLock(() => warehouse.acquireLock("nightly", "pslink run nightly"));
    expect(lock.name).toBe("nightly");
    await lock.release();
  });
});

/** PostgreSQL notices a killed client's closed socket within moments; retry briefly for that. */
async function waitForLock<T>(take: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await take();
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
