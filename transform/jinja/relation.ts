/** Quotes one identifier for the target warehouse (the Warehouse's own `quote`). */
export type QuoteIdentifier = (identifier: string) => string;

/** A warehouse relation as templates see it: `{{ ref('x') }}` prints `"schema"."x"`. */
export class Relation {
  readonly database = undefined;

  constructor(
    readonly schema: string,
    readonly identifier: string,
    private readonly quote: QuoteIdentifier,
  ) {}

  /** dbt spells the identifier both ways. */
  get name(): string {
    return this.identifier;
  }

  get table(): string {
    return this.identifier;
  }

  /** `Relation.render()` in dbt; same as printing it. */
  render(): string {
    return this.toString();
  }

  toString(): string {
    return `${this.quote(this.schema)}.${this.quote(this.identifier)}`;
  }
}

/** Name of the CTE an ephemeral model is inlined as (dbt's own prefix). */
export function ephemeralCteName(modelName: string): string {
  return `__dbt__cte__${modelName}`;
}

/** A reference to an ephemeral model: it prints as the CTE the model is inlined as. */
export class EphemeralRelation {
  readonly schema = undefined;

  constructor(readonly identifier: string) {}

  get name(): string {
    return this.identifier;
  }

  render(): string {
    return this.toString();
  }

  toString(): string {
    return ephemeralCteName(this.identifier);
  }
}

export type RelationLike = Relation | EphemeralRelation;
