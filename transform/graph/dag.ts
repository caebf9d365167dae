import { configError } from "../../core/errors.js";

/** Nodes and their direct dependencies (parents), by name. */
export type DependencyGraph = ReadonlyMap<string, readonly string[]>;

/**
 * Parents before children; among nodes ready at the same time, by name, so runs are
 * repeatable. A cycle is a config error naming every node on it.
 */
export function topologicalOrder(graph: DependencyGraph): string[] {
  const waiting = new Map<string, number>();
  const children = childrenOf(graph);
  for (const [name, parents] of graph)
    waiting.set(name, parents.filter((parent) => graph.has(parent)).length);
  const ready = [...waiting].filter(([, count]) => count === 0).map(([name]) => name);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort();
    const name = ready.shift() as string;
    order.push(name);
    for (const child of children.get(name) ?? []) {
      const left = (waiting.get(child) ?? 0) - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  if (order.length < graph.size) {
    const cycle =
      findCycle(graph) ?? [...waiting].filter(([, count]) => count > 0).map(([name]) => name);
    throw configError(`dependency cycle: ${cycle.join(" → ")}`, {
      hint: "a model cannot ref itself, directly or through other models; break the loop",
    });
  }
  return order;
}

/** Children of every node (the reverse edges). */
export function childrenOf(graph: DependencyGraph): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const [name, parents] of graph) {
    for (const parent of parents) {
      if (!graph.has(parent)) continue;
      const list = children.get(parent) ?? [];
      list.push(name);
      children.set(parent, list);
    }
  }
  return children;
}

/** Every node reachable along `edges` from `start` within `depth` steps (all when undefined). */
export function reachable(
  start: string,
  edges: ReadonlyMap<string, readonly string[]>,
  depth: number | undefined,
): Set<string> {
  const found = new Set<string>();
  let frontier = [start];
  for (let step = 0; frontier.length > 0 && (depth === undefined || step < depth); step += 1) {
    const next: string[] = [];
    for (const name of frontier) {
      for (const neighbour of edges.get(name) ?? []) {
        if (found.has(neighbour) || neighbour === start) continue;
        found.add(neighbour);
        next.push(neighbour);
      }
    }
    frontier = next;
  }
  return found;
}

/** A cycle as a path that starts and ends on the same node, if there is one. */
function findCycle(graph: DependencyGraph): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "open") return [...path.slice(path.indexOf(name)), name];
    state.set(name, "open");
    path.push(name);
    for (const parent of [...(graph.get(name) ?? [])].sort()) {
      if (!graph.has(parent)) continue;
      const cycle = visit(parent);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const name of [...graph.keys()].sort()) {
    const cycle = visit(name);
    if (cycle) return cycle.reverse();
  }
  return undefined;
}
