import { describeError } from "../../core/errors.js";
import { lockWaitRanOut } from "../../warehouse/short-lock-waits.js";
import type { SqlExecutor } from "../../warehouse/warehouse.js";

/** A view built on a relation, and the statements that make it again as it was. */
export interface DependentView {
  /** `schema.name`. */
  readonly relation: string;
  /** Its `create` statement. */
  readonly create: string;
  /** Its comments, owner, grants and indexes. */
  readonly extras: readonly string[];
}

/**
 * What went wrong making a dependent view again: `lost`, its `create` failed (the replacement no
 * longer fits it) and `statement` is its definition; otherwise the view was made and only
 * `statement` (a grant, its owner…) failed.
 */
export interface ViewProblem {
  readonly relation: string;
  readonly lost: boolean;
  readonly statement: string;
  readonly reason: string;
}

/**
 * Every view and materialized view that depends on `schema.name`, however indirectly, in an
 * order they can be made again in (each after the views it reads). PostgreSQL binds a view to the
 * relations it reads, so `drop … cascade` takes these with it; each comes back with its
 * definition (as `pg_get_viewdef` writes it), options, comments, owner, grants and, for a
 * materialized view, its indexes.
 */
export async function dependentViews(
  tx: SqlExecutor,
  schema: string,
  name: string,
): Promise<DependentView[]> {
  const rows = await tx.query<{ relation: string; statements: string[] }>(DEPENDENT_VIEWS, [
    `${quoteIdent(schema)}.${quoteIdent(name)}`,
  ]);
  return rows.map(({ relation, statements: [create = "", ...extras] }) => ({
    relation,
    create,
    extras,
  }));
}

/**
 * Makes `views` again in `tx`, in order, each statement in a savepoint: a view the replacement no
 * longer fits (a column it reads is gone) is left out, and the views that read it fail in turn;
 * a grant or owner that cannot be given again leaves its view made without it.
 */
export async function remakeViews(
  tx: SqlExecutor,
  views: readonly DependentView[],
): Promise<ViewProblem[]> {
  const problems: ViewProblem[] = [];
  for (const view of views) {
    const lost = await attempt(tx, view.create);
    if (lost !== undefined) {
      problems.push({ relation: view.relation, lost: true, statement: view.create, reason: lost });
      continue;
    }
    for (const statement of view.extras) {
      const reason = await attempt(tx, statement);
      if (reason !== undefined)
        problems.push({ relation: view.relation, lost: false, statement, reason });
    }
  }
  return problems;
}

/**
 * Runs `statement` in a savepoint of `tx`: the reason it failed (undone), or undefined. A lock
 * wait that ran out is thrown, for the whole swap to be tried again (`takeRelation`).
 */
async function attempt(tx: SqlExecutor, statement: string): Promise<string | undefined> {
  await tx.execute("savepoint pslink_dependent_view");
  try {
    await tx.execute(statement);
  } catch (error) {
    if (lockWaitRanOut(error)) throw error;
    await tx.execute("rollback to savepoint pslink_dependent_view");
    await tx.execute("release savepoint pslink_dependent_view");
    return describeError(error);
  }
  await tx.execute("release savepoint pslink_dependent_view");
  return undefined;
}

/** PostgreSQL's `quote_ident`, for the `regclass` text the catalog query takes. */
function quoteIdent(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * A view's rewrite rule depends on each relation its query reads (`pg_depend`, from `pg_rewrite`
 * to `pg_class`); the rule's dependency on its own view is left out. `$1` is the relation as
 * `regclass` text.
 */
const DEPENDENT_VIEWS = `
with recursive dependent(oid, depth) as (
  select r.ev_class, 1
    from pg_depend d join pg_rewrite r on r.oid = d.objid
   where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
     and d.refobjid = to_regclass($1) and r.ev_class <> d.refobjid
  union
  select r.ev_class, dependent.depth + 1
    from dependent
    join pg_depend d on d.refobjid = dependent.oid
     and d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
    join pg_rewrite r on r.oid = d.objid
   where r.ev_class <> dependent.oid
),
deepest as (select oid, max(depth) as depth from dependent group by oid),
views as (
  select c.oid, n.nspname, c.relname, c.relowner, c.relacl, c.reloptions, deepest.depth,
         case c.relkind when 'm' then 'materialized view' else 'view' end as kind
    from deepest
    join pg_class c on c.oid = deepest.oid and c.relkind in ('v', 'm')
    join pg_namespace n on n.oid = c.relnamespace
)
select format('%s.%s', v.nspname, v.relname) as relation,
  array[format('create %s %I.%I%s as %s', v.kind, v.nspname, v.relname,
          case when v.reloptions is null then ''
               else format(' with (%s)', array_to_string(v.reloptions, ', ')) end,
          btrim(regexp_replace(pg_get_viewdef(v.oid), ';\\s*$', '')))]
  || array(select format('comment on %s %I.%I is %L', v.kind, v.nspname, v.relname, d.description)
             from pg_description d
            where d.objoid = v.oid and d.classoid = 'pg_class'::regclass and d.objsubid = 0)
  || array(select format('comment on column %I.%I.%I is %L', v.nspname, v.relname, a.attname, d.description)
             from pg_description d
             join pg_attribute a on a.attrelid = v.oid and a.attnum = d.objsubid
            where d.objoid = v.oid and d.classoid = 'pg_class'::regclass and d.objsubid > 0
            order by a.attnum)
  || array(select format('alter %s %I.%I owner to %I', v.kind, v.nspname, v.relname, pg_get_userbyid(v.relowner))
            where v.relowner <> (select oid from pg_roles where rolname = current_user))
  || array(select format('grant %s on %I.%I to %s%s', g.privilege_type, v.nspname, v.relname,
                    case g.grantee when 0 then 'public' else quote_ident(pg_get_userbyid(g.grantee)) end,
                    case when g.is_grantable then ' with grant option' else '' end)
             from aclexplode(v.relacl) g
            where g.grantee <> v.relowner)
  || array(select pg_get_indexdef(i.indexrelid) from pg_index i where i.indrelid = v.oid
            order by i.indexrelid) as statements
  from views v
 order by v.depth, v.nspname, v.relname`;
