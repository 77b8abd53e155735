/**
 * A parsed read (query-grammar.ts) as one parameterised statement. Table and column names reach
 * the SQL only after they were found in the allow-list (REST_TABLES and the table's columns as the
 * database reports them), and then quoted; every value is a parameter. The answer is built by
 * Postgres itself (`json_agg`), as PostgREST does, so types serialise the same way.
 */
import { PostgrestError } from '../rpc/postgrest-error.js';
import type { Condition, Field, FilterValue, ReadQuery, SelectItem } from './query-grammar.js';

export interface TableColumns {
  table: string;
  columns: ReadonlySet<string>;
}

/** `"name"`: only ever called with a name from the allow-list. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function unknownColumn(table: string, column: string): PostgrestError {
  return new PostgrestError(400, {
    code: '42703',
    message: `column ${table}.${column} does not exist`,
    details: null,
    hint: null,
  });
}

class Statement {
  readonly params: unknown[] = [];

  constructor(readonly table: TableColumns) {}

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  field(field: Field): string {
    if (!this.table.columns.has(field.column)) throw unknownColumn(this.table.table, field.column);
    let sql = quoteIdent(field.column);
    field.path.forEach((key, i) => {
      const arrow = i === field.path.length - 1 && field.asText ? '->>' : '->';
      sql = `(${sql} ${arrow} ${this.param(key)}::text)`;
    });
    return sql;
  }
}

/** `*` in like / ilike patterns is `%`, as in PostgREST (URLs mangle `%`). */
const likePattern = (text: string) => text.replace(/\*/g, '%');

function filterSql(s: Statement, field: Field, operator: string, value: FilterValue): string {
  const column = s.field(field);
  if (value.kind === 'is') {
    if (value.value === 'null') return `${column} is null`;
    if (value.value === 'not_null') return `${column} is not null`;
    return `${column} is ${value.value}`;
  }
  if (value.kind === 'list') {
    if (value.items.length === 0) return 'false';
    return `${column} = any(${s.param(value.items)})`;
  }
  switch (operator) {
    case 'eq':
      return `${column} = ${s.param(value.text)}`;
    case 'neq':
      return `${column} <> ${s.param(value.text)}`;
    case 'gt':
      return `${column} > ${s.param(value.text)}`;
    case 'gte':
      return `${column} >= ${s.param(value.text)}`;
    case 'lt':
      return `${column} < ${s.param(value.text)}`;
    case 'lte':
      return `${column} <= ${s.param(value.text)}`;
    case 'like':
      return `${column} like ${s.param(likePattern(value.text))}`;
    case 'ilike':
      return `${column} ilike ${s.param(likePattern(value.text))}`;
    case 'cs':
      return `${column} @> ${s.param(value.text)}`;
    case 'cd':
      return `${column} <@ ${s.param(value.text)}`;
    default:
      throw new PostgrestError(400, {
        code: 'PGRST100',
        message: `operator ${operator}`,
        details: null,
        hint: null,
      });
  }
}

function conditionSql(s: Statement, condition: Condition): string {
  if (condition.kind === 'filter') {
    const sql = filterSql(s, condition.field, condition.operator, condition.value);
    return condition.negated ? `not (${sql})` : `(${sql})`;
  }
  const joined =
    condition.conditions.length === 0
      ? 'true'
      : condition.conditions.map((c) => conditionSql(s, c)).join(` ${condition.operator} `);
  return condition.negated ? `not (${joined})` : `(${joined})`;
}

function whereSql(s: Statement, where: readonly Condition[]): string {
  if (where.length === 0) return '';
  return ` where ${where.map((c) => conditionSql(s, c)).join(' and ')}`;
}

/** The select list (`*` when none): PostgREST names a JSON path by its last key. */
function columnsSql(s: Statement, select: readonly SelectItem[] | null): string {
  if (select === null) return '*';
  return select
    .map((item) => {
      const name = item.alias ?? item.field.path.at(-1) ?? item.field.column;
      return `${s.field(item.field)} as ${quoteIdent(name)}`;
    })
    .join(', ');
}

export interface ReadStatements {
  /** One row, `body`: the page as a JSON array. */
  page: { sql: string; params: unknown[] };
  /** One row, `total`: every matching row, for `Prefer: count=exact`. */
  count: { sql: string; params: unknown[] };
}

export function buildRead(
  table: TableColumns,
  query: ReadQuery,
  page: { offset: number; limit: number | null },
): ReadStatements {
  const s = new Statement(table);
  const from = `public.${quoteIdent(table.table)}`;
  const columns = columnsSql(s, query.select);
  const where = whereSql(s, query.where);
  // The count is its own statement: its parameters are numbered from $1 again.
  const counted = new Statement(table);
  const countSql = `select count(*)::bigint as total from ${from}${whereSql(counted, query.where)}`;
  const order =
    query.order.length > 0
      ? ` order by ${query.order
          .map((term) => {
            const direction = term.descending ? ' desc' : ' asc';
            const nulls = term.nulls ? ` nulls ${term.nulls}` : '';
            return `${s.field(term.field)}${direction}${nulls}`;
          })
          .join(', ')}`
      : '';
  const limit = page.limit !== null ? ` limit ${s.param(page.limit)}` : '';
  const offset = page.offset > 0 ? ` offset ${s.param(page.offset)}` : '';
  const sql = `select coalesce(json_agg(_row), '[]'::json) as body, count(*)::bigint as returned from (select ${columns} from ${from}${where}${order}${limit}${offset}) _row`;
  return {
    page: { sql, params: s.params },
    count: { sql: countSql, params: counted.params },
  };
}

export interface Sql {
  sql: string;
  params: unknown[];
}

/**
 * The rows a write's filters reach, as their keys: run as the caller's role, so grants and
 * row-level security decide which rows those are. `lock`: `for update`, which also needs the
 * role's update grant.
 */
export function buildWriteTargets(table: TableColumns, where: readonly Condition[], lock: boolean): Sql {
  const s = new Statement(table);
  const sql = `select id::text as key from public.${quoteIdent(table.table)}${whereSql(s, where)} order by id${lock ? ' for update' : ''}`;
  return { sql, params: s.params };
}

/** The rows with these keys as one JSON array (`body`), in the select list's shape and the keys' order. */
export function buildRepresentation(
  table: TableColumns,
  select: readonly SelectItem[] | null,
  keyType: 'uuid' | 'text',
  keys: readonly string[],
): Sql {
  const s = new Statement(table);
  const columns = columnsSql(s, select);
  const keysParam = `${s.param(keys)}::${keyType}[]`;
  // In the order of the keys: a write's rows by id, created rows as they were created.
  const sql = `select coalesce(json_agg(_row), '[]'::json) as body from (select ${columns} from public.${quoteIdent(table.table)} where id = any(${keysParam}) order by array_position(${keysParam}, id)) _row`;
  return { sql, params: s.params };
}
