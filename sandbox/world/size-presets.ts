import type { SandboxSize } from "./types.js";

/** How big the firm is per size; `cases` is how many cases of each rule are planted. */
export interface SizePreset {
  workers: number;
  clients: number;
  projects: number;
  prospects: number;
  openOpportunities: number;
  lostOpportunities: number;
  cases: number;
}

export const SIZE_PRESETS: Record<SandboxSize, SizePreset> = {
  small: {
    workers: 14,
    clients: 8,
    projects: 16,
    prospects: 3,
    openOpportunities: 5,
    lostOpportunities: 3,
    cases: 3,
  },
  medium: {
    workers: 570,
    clients: 115,
    projects: 300,
    prospects: 30,
    openOpportunities: 60,
    lostOpportunities: 40,
    cases: 10,
  },
  large: {
    workers: 3000,
    clients: 500,
    projects: 1500,
    prospects: 120,
    openOpportunities: 250,
    lostOpportunities: 150,
    cases: 30,
  },
};
